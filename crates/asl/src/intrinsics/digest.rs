//! `States.Hash`'s digests. With the `digests` feature (the default) they are built in. The web
//! app leaves them out of its first load (about 5 kB gzip, for one rarely called function): when a
//! definition calls `States.Hash`, it loads them as part of a module of its own and lends them
//! here ([`lend`]) before the definition can start.

use std::rc::Rc;

/// The algorithms `States.Hash` accepts, as AWS spells them.
pub const ALGORITHMS: [&str; 5] = ["MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512"];

/// Digests a host lends: `(algorithm, text)` → the digest of the text's UTF-8 bytes in lowercase
/// hex. Called only with one of [`ALGORITHMS`].
pub type Digester = Rc<dyn Fn(&str, &str) -> String>;

thread_local! {
    /// The digester the host lent, if any (one per thread: wasm has one).
    static LENT: std::cell::RefCell<Option<Digester>> = const { std::cell::RefCell::new(None) };
}

/// Lends this crate its digests, from now on.
pub fn lend(digester: Digester) {
    LENT.with(|lent| *lent.borrow_mut() = Some(digester));
}

/// The digest of `text` with `algorithm` (one of [`ALGORITHMS`]) in lowercase hex; `None` when
/// this build has no digests and none was lent.
pub fn hex(algorithm: &str, text: &str) -> Option<String> {
    #[cfg(feature = "digests")]
    return Some(built_in(algorithm, text.as_bytes()));
    #[cfg(not(feature = "digests"))]
    return LENT.with(|lent| lent.borrow().clone()).map(|digest| digest(algorithm, text));
}

#[cfg(feature = "digests")]
fn built_in(algorithm: &str, data: &[u8]) -> String {
    use sha2::Digest;
    let digest: Vec<u8> = match algorithm {
        "MD5" => md5::Md5::digest(data).to_vec(),
        "SHA-1" => sha1::Sha1::digest(data).to_vec(),
        "SHA-256" => sha2::Sha256::digest(data).to_vec(),
        "SHA-384" => sha2::Sha384::digest(data).to_vec(),
        _ => sha2::Sha512::digest(data).to_vec(),
    };
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(all(test, feature = "digests"))]
mod tests {
    use super::*;

    #[test]
    fn each_algorithm_digests_the_text() {
        let digests: Vec<String> = ALGORITHMS.iter().map(|a| hex(a, "abc").unwrap()).collect();
        assert_eq!(digests[0], "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(digests[1], "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(digests[2], "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(digests[3].len(), 96);
        assert_eq!(digests[4].len(), 128);
    }
}
