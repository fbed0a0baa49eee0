//! SRP's Montgomery arithmetic against `num-bigint` (the property tests are `srp_arith/mod.rs`, shared with the
//! wasm test): each test's name says how many cases it checks at least, and it prints the count.

mod srp_arith;

use srp_arith::*;

#[test]
fn multiplication_and_reduction_agree_with_num_bigint_on_10000_inputs() {
    let mut r = Rng::new(0x5a17);
    let n = group_n();
    let mut checks = arithmetic(&n, &mut r, 1200, true);
    // Other moduli of the same size reach carries and reductions the group's prime may not.
    for _ in 0..2 {
        let m = random_modulus(&mut r);
        checks += arithmetic(&m, &mut r, 200, false);
    }
    println!("bigint: {checks} multiplication / reduction checks against num-bigint");
    assert!(checks >= 10_000, "{checks}");
}

#[test]
fn exponentiation_agrees_with_num_bigint_on_120_bases() {
    let mut r = Rng::new(0xe4b);
    let n = group_n();
    let mut checks = exponentiation(&n, &mut r, 60);
    checks += exponentiation(&random_modulus(&mut r), &mut r, 6);
    println!("bigint: {checks} pow / pow2 checks against num-bigint");
    assert!(checks >= 240, "{checks}");
}

#[test]
fn multiply_add_agrees_with_num_bigint_on_10000_inputs() {
    let checks = multiply_add(&mut Rng::new(0xadd), 10_000);
    println!("bigint: {checks} mul_add checks against num-bigint");
}
