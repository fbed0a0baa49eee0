//! SHA-256 and HMAC-SHA256 (RFC 2104), the only primitives SigV4 needs. HMAC is a few lines on top of `sha2`,
//! smaller in wasm than a generic MAC crate and with no fallible constructor.

use sha2::{Digest, Sha256};

pub fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

pub fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut block = [0u8; 64];
    let hashed;
    let key = if key.len() > 64 {
        hashed = sha256(key);
        &hashed[..]
    } else {
        key
    };
    for (d, k) in block.iter_mut().zip(key) {
        *d = *k;
    }
    let (mut ipad, mut opad) = ([0u8; 64], [0u8; 64]);
    for ((i, o), b) in ipad.iter_mut().zip(opad.iter_mut()).zip(block) {
        *i = b ^ 0x36;
        *o = b ^ 0x5c;
    }
    let mut inner = Sha256::new();
    inner.update(ipad);
    inner.update(data);
    let mut outer = Sha256::new();
    outer.update(opad);
    outer.update(inner.finalize());
    outer.finalize().into()
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
        assert_eq!(hex(&sha256(b"")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
}
