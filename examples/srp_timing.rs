//! Native timing of one SRP login computation (A, then the password claim), for development:
//! `cargo run --release --example srp_timing`. The real comparison runs in Chromium (`npm run bench`).
#![allow(clippy::unwrap_used)]
use cognito_fetch::srp::{Challenge, Session};
use std::time::Instant;

fn main() {
    let b = "bc071b539bfaa44b26a4f4a917dcc4b90291f3fea737baa555c0dfc792f11849902859dd52976fd7367130d91969670e8a0beb66d044641709d7a9ea609e2cc5baac6837e1ee8f8d9ccdce535be1dee59d4c893d9c9a1f06ddacb9d927e29c0e8bb1b8dda315f297e82c6095570ae3ab28a9110dfc4367296d77898b1d69d029f76e16ffebed59fc568548a9fb54a1a462440b19b4e4d89ae414374654788d599d0635f9b8a7a5c6a8556e675c4e01690d5324eecd092d269b2be31fa2dc7192cb0bec8a390ca4ce791c8e8cc9ed7258929430a2802a2b9dadd985a004d584e883621ff3518e223a6dbab5071bc844e4ee7d12f6c29bd9197f0fefcee91020b0903596cf170efd27648eb5de5ab2961032cf759dbc48dadb6db0dd585bb9c1e9f73bbea67a7ca406e26d4333c63d5339fa8c0f51fc12df554737da39fc780c0a648e884600f1bf9398cedddaee7d6db6ace4e0007d97f7322d7270dc25c6e6ae000e54b62f8cb868b16e16eadb4c8c87f3baae1c1b8e59aabb73771e62c0b898";
    let n = 20;
    let t = Instant::now();
    for i in 0..n {
        let s = Session::start(&[i as u8 + 1; 32]).unwrap();
        let c = Challenge { pool_name: "eYpv1mFHB", user_id: "user", password: "Qwerty1!", srp_b: b, salt: "baf4431cdaa37c04c0d655a99f5e9b9b", secret_block: "AAAA", timestamp: "Tue Feb 1 03:04:05 UTC 2000" };
        std::hint::black_box(s.password_claim(&c).unwrap());
    }
    println!("{:.2} ms per login (native)", t.elapsed().as_secs_f64() * 1000.0 / n as f64);
}
