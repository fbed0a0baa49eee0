#![allow(clippy::unwrap_used)]
use cognito_fetch::srp::Group;
use std::time::Instant;
fn main() {
    let t = Instant::now();
    let g = Group::new().unwrap();
    println!("Group::new {:.3} ms", t.elapsed().as_secs_f64() * 1000.0);
    let mut a = g.modulus.pow(&g.g, &[0x5a; 8]);
    let b = g.modulus.pow(&g.g, &[0x33; 8]);
    let n = 2000;
    let t = Instant::now();
    for _ in 0..n {
        a = g.modulus.mont_mul(&a, &b);
    }
    std::hint::black_box(a);
    println!("mont_mul {:.2} us", t.elapsed().as_secs_f64() * 1e6 / n as f64);
}
