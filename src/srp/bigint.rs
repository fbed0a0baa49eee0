//! Fixed-size modular arithmetic for SRP's 3072-bit group: numbers are 96 little-endian 32-bit limbs,
//! multiplication is Montgomery's (CIOS), exponentiation uses a fixed 4-bit window whose table entry is chosen
//! by masking every entry, so neither branches nor memory accesses depend on the secret exponent's bits.
//! Only the exponent's byte length, which is public, decides how much work is done.
//!
//! Indexing below is into fixed-size arrays by counters bounded by the same constants, so the compiler proves
//! every index in range: in the release wasm no bounds-check panic path leads back to this module (checked with
//! `twiggy paths`; variable-length data is walked with iterators). What remains reachable from SRP is the
//! allocator's capacity-overflow path and the sha2/digest crates' buffer checks, none of which can fire.
#![allow(clippy::indexing_slicing)]

#[allow(unused_imports)]
use crate::prelude::*;

pub const LIMBS: usize = 96;
pub const BYTES: usize = LIMBS * 4;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Num(pub [u32; LIMBS]);

/// Big-endian bytes to little-endian 32-bit limbs.
fn to_limbs(bytes: &[u8]) -> Vec<u32> {
    let mut limbs = Vec::with_capacity(bytes.len() / 4 + 1);
    let (mut acc, mut shift) = (0u32, 0u32);
    for &b in bytes.iter().rev() {
        acc |= u32::from(b) << shift;
        shift += 8;
        if shift == 32 {
            limbs.push(acc);
            (acc, shift) = (0, 0);
        }
    }
    if shift > 0 {
        limbs.push(acc);
    }
    limbs
}

/// All ones when `x == 0`, else zero, computed without a branch.
fn mask_if_zero(x: u32) -> u32 {
    ((x | x.wrapping_neg()) >> 31).wrapping_sub(1)
}

impl Num {
    pub const ZERO: Num = Num([0; LIMBS]);

    pub fn small(v: u32) -> Num {
        let mut n = Num::ZERO;
        n.0[0] = v;
        n
    }

    /// Big-endian bytes, leading zeros allowed; `None` when the value needs more than 3072 bits.
    pub fn from_be_bytes(bytes: &[u8]) -> Option<Num> {
        let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
        let bytes = bytes.get(start..)?;
        if bytes.len() > BYTES {
            return None;
        }
        let mut n = Num::ZERO;
        for (limb, v) in n.0.iter_mut().zip(to_limbs(bytes)) {
            *limb = v;
        }
        Some(n)
    }

    /// 384 big-endian bytes.
    pub fn to_be_bytes(&self) -> [u8; BYTES] {
        let mut out = [0u8; BYTES];
        // Byte k of the little-endian value is limb k/4's byte k%4; it goes to out[BYTES - 1 - k].
        for (k, byte) in out.iter_mut().rev().enumerate() {
            *byte = (self.0.get(k / 4).copied().unwrap_or(0) >> (8 * (k % 4))) as u8;
        }
        out
    }

    pub fn is_zero(&self) -> bool {
        self.0.iter().fold(0, |acc, l| acc | l) == 0
    }

    /// `self - other` and the borrow out (1 when `self < other`).
    fn sub(&self, other: &Num) -> (Num, u32) {
        let mut out = Num::ZERO;
        let mut borrow = 0u64;
        for i in 0..LIMBS {
            let d = u64::from(self.0[i]).wrapping_sub(u64::from(other.0[i])).wrapping_sub(borrow);
            out.0[i] = d as u32;
            borrow = (d >> 63) & 1;
        }
        (out, borrow as u32)
    }

    /// `self + other` and the carry out.
    fn add(&self, other: &Num) -> (Num, u32) {
        let mut out = Num::ZERO;
        let mut carry = 0u64;
        for i in 0..LIMBS {
            let s = u64::from(self.0[i]) + u64::from(other.0[i]) + carry;
            out.0[i] = s as u32;
            carry = s >> 32;
        }
        (out, carry as u32)
    }

    /// `if mask == !0 { b } else { self }`, branch-free.
    fn select(&self, b: &Num, mask: u32) -> Num {
        let mut out = *self;
        for i in 0..LIMBS {
            out.0[i] ^= (self.0[i] ^ b.0[i]) & mask;
        }
        out
    }
}

/// An odd modulus `n` with `2^3071 < n < 2^3072`, ready for Montgomery arithmetic (`R = 2^3072`).
pub struct Modulus {
    n: Num,
    /// `-n^-1 mod 2^32`
    n0inv: u32,
    /// `R mod n`: one, in Montgomery form.
    r1: Num,
    /// `R^2 mod n`: multiplying by it converts into Montgomery form.
    r2: Num,
}

impl Modulus {
    pub fn new(n: Num) -> Modulus {
        let mut inv: u32 = 1;
        for _ in 0..5 {
            inv = inv.wrapping_mul(2u32.wrapping_sub(n.0[0].wrapping_mul(inv)));
        }
        // R mod n = 2^3072 - n, since n < 2^3072 < 2n.
        let (r1, _) = Num::ZERO.sub(&n);
        let mut m = Modulus { n, n0inv: inv.wrapping_neg(), r1, r2: r1 };
        // R^2 mod n = R * 2^3072 mod n, with 3072 = 3 * 2^10: three doublings give R * 2^3, and each
        // Montgomery squaring doubles the exponent (R*2^t)^2 / R = R*2^2t, ten times.
        let mut x = r1;
        for _ in 0..3 {
            x = m.add_mod(&x, &x);
        }
        for _ in 0..10 {
            x = m.mont_sqr(&x);
        }
        m.r2 = x;
        m
    }

    /// `x mod n` for any `x < 2^3072` (one conditional subtraction suffices since `n > 2^3071`).
    pub fn reduce(&self, x: &Num) -> Num {
        let (d, borrow) = x.sub(&self.n);
        x.select(&d, mask_if_zero(borrow))
    }

    /// `(a + b) mod n` for `a, b < n`.
    pub fn add_mod(&self, a: &Num, b: &Num) -> Num {
        let (s, carry) = a.add(b);
        let (d, borrow) = s.sub(&self.n);
        // Use the difference when the sum overflowed 2^3072 or did not borrow against n.
        s.select(&d, !mask_if_zero(carry) | mask_if_zero(borrow))
    }

    /// `(a - b) mod n` for `a, b < n`.
    pub fn sub_mod(&self, a: &Num, b: &Num) -> Num {
        let (d, borrow) = a.sub(b);
        let (fixed, _) = d.add(&self.n);
        d.select(&fixed, !mask_if_zero(borrow))
    }

    /// Montgomery product `a * b / R mod n` (CIOS), for `a, b < n`.
    pub fn mont_mul(&self, a: &Num, b: &Num) -> Num {
        let mut t = [0u32; LIMBS + 2];
        for i in 0..LIMBS {
            let ai = u64::from(a.0[i]);
            let mut carry = 0u64;
            for (tj, bj) in t.iter_mut().zip(b.0.iter()) {
                let s = u64::from(*tj) + ai * u64::from(*bj) + carry;
                *tj = s as u32;
                carry = s >> 32;
            }
            let s = u64::from(t[LIMBS]) + carry;
            t[LIMBS] = s as u32;
            t[LIMBS + 1] = (s >> 32) as u32;

            let m = u64::from(t[0].wrapping_mul(self.n0inv));
            let mut carry = (u64::from(t[0]) + m * u64::from(self.n.0[0])) >> 32;
            for j in 1..LIMBS {
                let s = u64::from(t[j]) + m * u64::from(self.n.0[j]) + carry;
                t[j - 1] = s as u32;
                carry = s >> 32;
            }
            let s = u64::from(t[LIMBS]) + carry;
            t[LIMBS - 1] = s as u32;
            t[LIMBS] = t[LIMBS + 1] + (s >> 32) as u32;
        }
        let mut r = Num::ZERO;
        for (d, s) in r.0.iter_mut().zip(t.iter()) {
            *d = *s;
        }
        let (d, borrow) = r.sub(&self.n);
        r.select(&d, !mask_if_zero(t[LIMBS]) | mask_if_zero(borrow))
    }

    /// Montgomery square `a * a / R mod n`: the cross products are computed once and doubled, then the
    /// 192-limb square is reduced (about 3/4 of the work of [`Modulus::mont_mul`]).
    pub fn mont_sqr(&self, a: &Num) -> Num {
        let mut t = [0u32; 2 * LIMBS + 1];
        // Cross products a[i]*a[j], i < j.
        for i in 0..LIMBS {
            let ai = u64::from(a.0[i]);
            let mut carry = 0u64;
            for j in i + 1..LIMBS {
                let s = u64::from(t[i + j]) + ai * u64::from(a.0[j]) + carry;
                t[i + j] = s as u32;
                carry = s >> 32;
            }
            t[i + LIMBS] = carry as u32;
        }
        // Double them and add the squares a[i]^2.
        let mut carry = 0u64;
        for i in 0..LIMBS {
            let sq = u64::from(a.0[i]) * u64::from(a.0[i]);
            let lo = (u64::from(t[2 * i]) << 1) + (sq & 0xffff_ffff) + carry;
            t[2 * i] = lo as u32;
            let hi = (u64::from(t[2 * i + 1]) << 1) + (sq >> 32) + (lo >> 32);
            t[2 * i + 1] = hi as u32;
            carry = hi >> 32;
        }
        t[2 * LIMBS] = carry as u32;
        self.redc(&mut t)
    }

    /// Montgomery reduction of a 192-limb value `t < n * R`: `t / R mod n`. The carry out of each row is
    /// kept in `top` and added into the next row's top limb, so the work never depends on the values.
    fn redc(&self, t: &mut [u32; 2 * LIMBS + 1]) -> Num {
        let mut top = 0u64;
        for i in 0..LIMBS {
            let m = u64::from(t[i].wrapping_mul(self.n0inv));
            let mut carry = 0u64;
            for j in 0..LIMBS {
                let s = u64::from(t[i + j]) + m * u64::from(self.n.0[j]) + carry;
                t[i + j] = s as u32;
                carry = s >> 32;
            }
            let s = u64::from(t[i + LIMBS]) + carry + top;
            t[i + LIMBS] = s as u32;
            top = s >> 32;
        }
        t[2 * LIMBS] = t[2 * LIMBS].wrapping_add(top as u32);
        let mut r = Num::ZERO;
        for (d, s) in r.0.iter_mut().zip(t.iter().skip(LIMBS)) {
            *d = *s;
        }
        let (d, borrow) = r.sub(&self.n);
        r.select(&d, !mask_if_zero(t[2 * LIMBS]) | mask_if_zero(borrow))
    }

    /// `2^exp mod n`: square, then double when the bit is set (computed always, kept by mask), so the work
    /// does not depend on the exponent's bits. Doubling is an addition, far cheaper than a multiplication.
    pub fn pow2(&self, exp: &[u8]) -> Num {
        let mut acc = self.r1;
        for &byte in exp {
            for bit in (0..8).rev() {
                acc = self.mont_sqr(&acc);
                let doubled = self.add_mod(&acc, &acc);
                acc = acc.select(&doubled, 0u32.wrapping_sub(u32::from(byte >> bit & 1)));
            }
        }
        self.mont_mul(&acc, &Num::small(1))
    }

    /// `a * b mod n`.
    pub fn mul_mod(&self, a: &Num, b: &Num) -> Num {
        self.mont_mul(&self.mont_mul(a, b), &self.r2)
    }

    /// `base^exp mod n` for `base < n`; `exp` is big-endian bytes. Constant time in the exponent's value.
    pub fn pow(&self, base: &Num, exp: &[u8]) -> Num {
        let mut table = [self.r1; 16];
        table[1] = self.mont_mul(base, &self.r2);
        for i in 2..16 {
            table[i] = self.mont_mul(&table[i - 1], &table[1]);
        }
        let mut acc = self.r1;
        for &byte in exp {
            for window in [byte >> 4, byte & 15] {
                for _ in 0..4 {
                    acc = self.mont_sqr(&acc);
                }
                let mut factor = self.r1;
                for (i, entry) in table.iter().enumerate() {
                    factor = factor.select(entry, mask_if_zero(i as u32 ^ u32::from(window)));
                }
                acc = self.mont_mul(&acc, &factor);
            }
        }
        self.mont_mul(&acc, &Num::small(1))
    }
}

/// `u * x + a` of big-endian numbers, as big-endian bytes (the SRP exponent; all three are short).
pub fn mul_add(u: &[u8], x: &[u8], a: &[u8]) -> Vec<u8> {
    let (u, x, a) = (to_limbs(u), to_limbs(x), to_limbs(a));
    let mut out = vec![0u32; (u.len() + x.len()).max(a.len()) + 1];
    for (i, &ui) in u.iter().enumerate() {
        let mut carry = 0u64;
        for (o, &xj) in out.iter_mut().skip(i).zip(x.iter()) {
            let s = u64::from(*o) + u64::from(ui) * u64::from(xj) + carry;
            *o = s as u32;
            carry = s >> 32;
        }
        // Through every remaining limb, whatever the carry (x is secret: no early exit).
        for limb in out.iter_mut().skip(i + x.len()) {
            let s = u64::from(*limb) + carry;
            *limb = s as u32;
            carry = s >> 32;
        }
    }
    let mut carry = 0u64;
    for (k, limb) in out.iter_mut().enumerate() {
        let s = u64::from(*limb) + u64::from(a.get(k).copied().unwrap_or(0)) + carry;
        *limb = s as u32;
        carry = s >> 32;
    }
    out.iter().rev().flat_map(|l| l.to_be_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 3072-bit odd modulus just under 2^3072 for arithmetic checks: 2^3072 - 1155 (odd).
    fn modulus() -> Modulus {
        let mut n = Num([u32::MAX; LIMBS]);
        n.0[0] = u32::MAX - 1154;
        Modulus::new(n)
    }

    #[test]
    fn bytes_round_trip_and_limits() {
        let n = Num::from_be_bytes(&[0, 0, 1, 2, 3, 4, 5]).unwrap_or(Num::ZERO);
        assert_eq!(n.0[0], 0x0203_0405);
        assert_eq!(n.0[1], 0x01);
        assert_eq!(&n.to_be_bytes()[BYTES - 5..], &[1, 2, 3, 4, 5]);
        assert!(Num::from_be_bytes(&[1; BYTES + 1]).is_none());
        assert!(Num::from_be_bytes(&[0; BYTES + 10]).is_some_and(|n| n.is_zero()));
    }

    #[test]
    fn r2_is_r_squared() {
        // R^2 mod n by 3072 plain doublings of R mod n.
        let m = modulus();
        let mut slow = m.r1;
        for _ in 0..LIMBS * 32 {
            slow = m.add_mod(&slow, &slow);
        }
        assert_eq!(m.r2, slow);
    }

    #[test]
    fn small_powers_and_products() {
        let m = modulus();
        // 3^5 = 243, and 2^100 computed by pow equals repeated doubling.
        assert_eq!(m.pow(&Num::small(3), &[5]), Num::small(243));
        assert_eq!(m.pow(&Num::small(3), &[0, 0, 5]), Num::small(243));
        assert_eq!(m.pow(&Num::small(7), &[]), Num::small(1));
        let mut d = Num::small(1);
        for _ in 0..100 {
            d = m.add_mod(&d, &d);
        }
        assert_eq!(m.pow(&Num::small(2), &[100]), d);
        assert_eq!(m.mul_mod(&Num::small(6), &Num::small(7)), Num::small(42));
        // Squaring agrees with multiplying, on values with every limb in use.
        let big = m.pow(&Num::small(3), &[0xde, 0xad, 0xbe, 0xef, 0x01]);
        assert_eq!(m.mont_sqr(&big), m.mont_mul(&big, &big));
        let top = m.sub_mod(&Num::ZERO, &Num::small(1));
        assert_eq!(m.mont_sqr(&top), m.mont_mul(&top, &top));
        // 2^e by doubling agrees with the general power.
        for e in [&[0u8][..], &[1], &[0x80, 0x01], &[0xff; 40]] {
            assert_eq!(m.pow2(e), m.pow(&Num::small(2), e));
        }
        assert_eq!(m.sub_mod(&Num::small(5), &Num::small(7)), m.sub_mod(&Num::ZERO, &Num::small(2)));
        // Fermat-style consistency: (a*b)^e == a^e * b^e.
        let (a, b) = (m.pow(&Num::small(5), &[200]), m.pow(&Num::small(11), &[77, 3]));
        let e = [0x12, 0x34, 0x56, 0x78, 0x9a];
        assert_eq!(m.pow(&m.mul_mod(&a, &b), &e), m.mul_mod(&m.pow(&a, &e), &m.pow(&b, &e)));
    }

    #[test]
    fn mul_add_is_exact() {
        // The output length depends only on the input lengths (public); leading zeros are kept.
        let out = mul_add(&[0xff, 0xff], &[0xff, 0xff], &[1]);
        assert_eq!(out.len(), 12);
        assert_eq!(out.iter().fold(0u128, |acc, &b| acc << 8 | u128::from(b)), 0xffff * 0xffff + 1);
        let out = mul_add(&[0x12, 0x34, 0x56, 0x78, 0x9a], &[0xbc, 0xde, 0xf0], &[0xff; 9]);
        // 0x123456789a * 0xbcdef0 + 0xffffffffffffffffff
        let expect = 0x12_3456_789a_u128 * 0xbc_def0 + 0xff_ffff_ffff_ffff_ffff;
        let got = out.iter().fold(0u128, |acc, &b| acc << 8 | u128::from(b));
        assert_eq!(got, expect);
    }
}
