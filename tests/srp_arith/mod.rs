//! SRP's Montgomery arithmetic (`src/srp/bigint.rs`) against a maintained big-integer crate (`num-bigint`),
//! on random and edge inputs: 0, 1, N-1, N, N+1, all ones, the top limb set, single bits, random values.
//! Shared by the native test (`tests/srp_bigint.rs`, the portable `dot`) and the wasm test (`tests/web.rs`,
//! the SIMD `dot`). Each function returns how many cases it checked.
#![allow(dead_code)]

use cognito_fetch::srp::bigint::{mul_add, Modulus, Num, BYTES};
use num_bigint::BigUint;

#[path = "../rng/mod.rs"]
mod rng;
pub use rng::Rng;

pub fn big(n: &Num) -> BigUint {
    BigUint::from_bytes_be(&n.to_be_bytes())
}

pub fn num(b: &BigUint) -> Num {
    Num::from_be_bytes(&b.to_bytes_be()).expect("below 2^3072")
}

/// The SRP group's modulus (RFC 5054's 3072-bit prime, as `src/srp` uses it).
pub fn group_n() -> BigUint {
    let session = cognito_fetch::srp::Session::start(&[1]).unwrap();
    big(session.n())
}

/// A random odd modulus with its top bit set (`2^3071 < n < 2^3072`), the range `Modulus` takes.
pub fn random_modulus(r: &mut Rng) -> BigUint {
    let mut b = r.bytes(BYTES);
    b[0] |= 0x80;
    b[BYTES - 1] |= 1;
    BigUint::from_bytes_be(&b)
}

/// Edge values below 2^3072 for a modulus `n`: 0, 1, 2, n-1, n, n+1, all ones, the top limb set (bits 3052..3071), 2^3071, 2^k.
pub fn edges(n: &BigUint) -> Vec<BigUint> {
    let one = BigUint::from(1u8);
    let all_ones = (BigUint::from(1u8) << 3072) - 1u8;
    let top_limb = ((BigUint::from(1u8) << 20) - 1u8) << (28 * 109);
    let mut v = vec![BigUint::from(0u8), one.clone(), BigUint::from(2u8), n - 1u8, n.clone(), n + 1u8, all_ones, top_limb, one.clone() << 3071];
    for k in [27, 28, 29, 55, 56, 1000, 3051, 3052, 3070] {
        v.push(one.clone() << k);
        v.push((one.clone() << k) - 1u8);
    }
    v
}

/// A random value below 2^3072: uniformly random bytes, or sparse, or near n.
pub fn random_value(r: &mut Rng, n: &BigUint) -> BigUint {
    match r.next() % 4 {
        0 => {
            let len = (r.next() % (BYTES as u64 + 1)) as usize;
            BigUint::from_bytes_be(&r.bytes(len))
        }
        1 => n - (BigUint::from(r.next()) % n) - 1u8,
        2 => BigUint::from(1u8) << (r.next() % 3072),
        _ => BigUint::from_bytes_be(&r.bytes(BYTES)),
    }
}

/// `reduce`, `add_mod`, `sub_mod`, `mont_mul`, `mont_sqr`, `mul_mod` for `cases` random pairs (plus every pair of
/// edge values, `with_edges`) under modulus `n`. Returns the number of checks.
pub fn arithmetic(n_big: &BigUint, r: &mut Rng, cases: usize, with_edges: bool) -> usize {
    let m = Modulus::new(num(n_big));
    let r_inv = (BigUint::from(1u8) << 3080u32).modinv(n_big).expect("n is odd");
    let mut checks = 0;
    let edge = if with_edges { edges(n_big) } else { Vec::new() };
    let mut pairs: Vec<(BigUint, BigUint)> = Vec::new();
    for a in &edge {
        for b in &edge {
            pairs.push((a.clone(), b.clone()));
        }
    }
    for _ in 0..cases {
        pairs.push((random_value(r, n_big), random_value(r, n_big)));
    }
    for (x, y) in &pairs {
        // Reduction of anything below 2^3072.
        assert_eq!(big(&m.reduce(&num(x))), x % n_big, "reduce {x:x} mod {n_big:x}");
        checks += 1;
        // The rest take values below n.
        let (a, b) = (x % n_big, y % n_big);
        let (na, nb) = (num(&a), num(&b));
        assert_eq!(big(&m.add_mod(&na, &nb)), (&a + &b) % n_big, "add {a:x} {b:x}");
        assert_eq!(big(&m.sub_mod(&na, &nb)), (&a + n_big - &b) % n_big, "sub {a:x} {b:x}");
        let mont = (&a * &b * &r_inv) % n_big;
        assert_eq!(big(&m.mont_mul(&na, &nb)), mont, "mont_mul {a:x} {b:x}");
        assert_eq!(big(&m.mont_sqr(&na)), (&a * &a * &r_inv) % n_big, "mont_sqr {a:x}");
        assert_eq!(big(&m.mul_mod(&na, &nb)), (&a * &b) % n_big, "mul_mod {a:x} {b:x}");
        checks += 5;
    }
    checks
}

/// `pow` and `pow2` for `cases` random bases and exponents (0 to 40 bytes, zeros and all-ones among them), plus
/// the edge bases. Returns the number of checks.
pub fn exponentiation(n_big: &BigUint, r: &mut Rng, cases: usize) -> usize {
    let m = Modulus::new(num(n_big));
    let mut checks = 0;
    let mut bases: Vec<BigUint> = edges(n_big).into_iter().map(|e| e % n_big).collect();
    bases.extend((0..cases).map(|_| random_value(r, n_big) % n_big));
    for (i, base) in bases.iter().enumerate() {
        let len = (r.next() % 41) as usize;
        let exp = match i % 5 {
            0 => vec![0u8; len],
            1 => vec![0xff; len],
            _ => r.bytes(len),
        };
        let e = BigUint::from_bytes_be(&exp);
        assert_eq!(big(&m.pow(&num(base), &exp)), base.modpow(&e, n_big), "pow {base:x} ^ {e:x}");
        assert_eq!(big(&m.pow2(&exp)), BigUint::from(2u8).modpow(&e, n_big), "pow2 {e:x}");
        checks += 2;
    }
    checks
}

/// `mul_add(u, x, a) = u * x + a` for `cases` random operands of 0 to 40 bytes.
pub fn multiply_add(r: &mut Rng, cases: usize) -> usize {
    for i in 0..cases {
        let (lu, lx, la) = ((r.next() % 41) as usize, (r.next() % 41) as usize, (r.next() % 41) as usize);
        let fill = |r: &mut Rng, l: usize| if i % 4 == 0 { vec![0xff; l] } else { r.bytes(l) };
        let (u, x, a) = (fill(r, lu), fill(r, lx), fill(r, la));
        let got = BigUint::from_bytes_be(&mul_add(&u, &x, &a));
        let want = BigUint::from_bytes_be(&u) * BigUint::from_bytes_be(&x) + BigUint::from_bytes_be(&a);
        assert_eq!(got, want, "{u:x?} * {x:x?} + {a:x?}");
    }
    cases
}
