//! SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104), the only primitives SigV4 and SRP need. Written here
//! rather than taken from `sha2`: the generic digest wrappers cost about 1 KiB of wasm on top of the rounds,
//! and this compression loop is also faster in the browser than `sha2`'s compact software one.
//!
//! Indexing below is into fixed-size arrays (`[u32; 64]`, `[u32; 8]`, `K`) by counters bounded by the same
//! constants: no index can be out of range, so no bounds-check panic can fire. Byte copies use `zip`.
#![allow(clippy::indexing_slicing)]

const K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be,
    0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa,
    0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85,
    0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
    0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
    0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

const H0: [u32; 8] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

/// One 64-byte block into the state (one copy of the rounds: never inlined).
#[inline(never)]
fn compress(state: &mut [u32; 8], block: &[u8; 64]) {
    let mut w = [0u32; 64];
    for i in 0..16 {
        w[i] = u32::from_be_bytes([block[4 * i], block[4 * i + 1], block[4 * i + 2], block[4 * i + 3]]);
    }
    for i in 16..64 {
        let (x, y) = (w[i - 15], w[i - 2]);
        let s0 = x.rotate_right(7) ^ x.rotate_right(18) ^ (x >> 3);
        let s1 = y.rotate_right(17) ^ y.rotate_right(19) ^ (y >> 10);
        w[i] = w[i - 16].wrapping_add(s0).wrapping_add(w[i - 7]).wrapping_add(s1);
    }
    let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut h] = *state;
    for i in 0..64 {
        let ch = (e & f) ^ (!e & g);
        let t1 = h.wrapping_add(e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25)).wrapping_add(ch).wrapping_add(K[i]).wrapping_add(w[i]);
        let maj = (a & b) ^ (a & c) ^ (b & c);
        let t2 = (a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22)).wrapping_add(maj);
        h = g;
        g = f;
        f = e;
        e = d.wrapping_add(t1);
        d = c;
        c = b;
        b = a;
        a = t1.wrapping_add(t2);
    }
    for (s, v) in state.iter_mut().zip([a, b, c, d, e, f, g, h]) {
        *s = s.wrapping_add(v);
    }
}

/// An incremental SHA-256.
#[derive(Clone, PartialEq, Eq)]
pub struct Sha256 {
    state: [u32; 8],
    block: [u8; 64],
    /// Bytes waiting in `block` (always below 64 between calls).
    used: usize,
    /// Bytes hashed so far.
    total: u64,
}

impl Default for Sha256 {
    fn default() -> Self {
        Sha256::new()
    }
}

impl Sha256 {
    pub const fn new() -> Sha256 {
        Sha256 { state: H0, block: [0; 64], used: 0, total: 0 }
    }

    pub fn update(&mut self, data: &[u8]) {
        self.total = self.total.wrapping_add(data.len() as u64);
        let mut data = data;
        while !data.is_empty() {
            let free = 64 - self.used;
            let take = free.min(data.len());
            let (head, rest) = data.split_at(take);
            for (d, s) in self.block.iter_mut().skip(self.used).zip(head) {
                *d = *s;
            }
            self.used += take;
            data = rest;
            if self.used == 64 {
                compress(&mut self.state, &self.block);
                self.used = 0;
            }
        }
    }

    pub fn finish(mut self) -> [u8; 32] {
        let bits = self.total.wrapping_mul(8);
        // 0x80, zeros, and the length in bits in the last 8 bytes (in a block of its own when they do not fit).
        for (i, b) in self.block.iter_mut().enumerate().skip(self.used) {
            *b = if i == self.used { 0x80 } else { 0 };
        }
        if self.used >= 56 {
            compress(&mut self.state, &self.block);
            self.block = [0; 64];
        }
        for i in 0..8 {
            self.block[56 + i] = (bits >> (56 - 8 * i)) as u8;
        }
        compress(&mut self.state, &self.block);
        let mut out = [0u8; 32];
        for (i, o) in out.iter_mut().enumerate() {
            *o = (self.state[i / 4] >> (24 - 8 * (i % 4))) as u8;
        }
        out
    }
}

pub fn sha256(data: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(data);
    h.finish()
}

/// An HMAC-SHA256 key with its two padded key blocks already hashed: each MAC under it hashes two blocks fewer
/// (SigV4 keeps one per derived signing key). No `Debug`: its state is as secret as the key.
#[derive(Clone, PartialEq, Eq)]
pub struct HmacKey {
    inner: Sha256,
    outer: Sha256,
}

impl HmacKey {
    pub fn new(key: &[u8]) -> HmacKey {
        let hashed;
        let key = if key.len() > 64 {
            hashed = sha256(key);
            &hashed[..]
        } else {
            key
        };
        let (mut ipad, mut opad) = ([0x36u8; 64], [0x5cu8; 64]);
        for ((i, o), k) in ipad.iter_mut().zip(opad.iter_mut()).zip(key) {
            *i ^= k;
            *o ^= k;
        }
        let (mut inner, mut outer) = (Sha256::new(), Sha256::new());
        inner.update(&ipad);
        outer.update(&opad);
        HmacKey { inner, outer }
    }

    pub fn mac(&self, data: &[u8]) -> [u8; 32] {
        let mut inner = self.inner.clone();
        inner.update(data);
        let mut outer = self.outer.clone();
        outer.update(&inner.finish());
        outer.finish()
    }
}

pub fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    HmacKey::new(key).mac(data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sigv4::encode::hex;

    #[test]
    fn rfc4231_vectors() {
        // RFC 4231 test cases 1, 2 and 6 (key longer than the block size).
        assert_eq!(hex(&hmac_sha256(&[0x0b; 20], b"Hi There")), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
        assert_eq!(hex(&hmac_sha256(b"Jefe", b"what do ya want for nothing?")), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        assert_eq!(
            hex(&hmac_sha256(&[0xaa; 131], b"Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn fips_180_vectors() {
        // FIPS 180-4 / NIST CSRC examples: empty, "abc", the two-block 448-bit message, and one million 'a'.
        assert_eq!(hex(&sha256(b"")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assert_eq!(hex(&sha256(b"abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(
            hex(&sha256(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
        assert_eq!(hex(&sha256(&[b'a'; 1_000_000])), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    }

    #[test]
    fn every_length_and_split_agrees() {
        // Lengths around the padding boundaries (55, 56, 63, 64 ...), hashed whole and fed in two pieces at every
        // split point: the incremental buffer gives the same digest.
        let data: Vec<u8> = (0..300u32).map(|i| (i * 7 + 3) as u8).collect();
        for len in [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 300] {
            let whole = sha256(&data[..len]);
            for cut in 0..=len {
                let mut h = Sha256::new();
                h.update(&data[..cut]);
                h.update(&data[cut..len]);
                assert_eq!(h.finish(), whole, "len {len} cut {cut}");
            }
        }
    }
}
