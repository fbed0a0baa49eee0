//! The wasm/JS boundary's steps, natively (`cargo test`): the steps compile on every target, only the wasm's
//! exports over linear memory are wasm32 (`src/js/exports.rs`, run by `tests/web.rs` in Chromium). The fuzz
//! and property tests are `fuzz/mod.rs`, shared with `tests/web.rs`; each test's name says how many cases it
//! runs, and it prints the count.

mod fuzz;

use cognito_fetch::js::{join, step, Fields};
use cognito_fetch::json;

#[test]
fn fuzz_every_step_with_2000_random_inputs() {
    let ran = fuzz::every_step(2000, 0x00c0_ffee);
    println!("fuzz: {ran} step calls ({} steps + signing, 2000 each)", fuzz::steps().len());
    assert_eq!(ran, 2000 * (fuzz::steps().len() + 1));
}

#[test]
fn framing_round_trips_10000_random_lists() {
    let n = fuzz::framing_round_trips(10_000, 7);
    println!("framing: {n} random lists round-tripped");
}

#[test]
fn hostile_answers_give_exact_values_or_coded_errors() {
    fuzz::hostile_answers();
}

#[test]
fn random_listings_2000_read_back_exactly() {
    let n = fuzz::random_listings(2000, 11);
    println!("listings: {n} random ListObjectsV2 pages read back exactly");
}

#[test]
fn fields_that_are_not_framed_fail_the_step() {
    for bad in ["x", "1:", "2:a", "01x:a", "-1:", "99999999999:a", "1:a2:b", "3:😀"] {
        let answer = step("upClockOffset", bad, "");
        assert!(answer.starts_with('!'), "{bad:?}: {answer:?}");
        assert_eq!(Fields::new(&answer[1..]).str(), "InvalidArgument", "{bad:?}");
    }
    // A surrogate pair is two code units, as JS counts it.
    let mut f = Fields::new("2:😀1:é");
    assert_eq!((f.str(), f.str(), f.broken()), ("😀", "é", false));
    // A list's count beyond its fields reads no fields that are not there.
    let mut f = Fields::new("1:51:a");
    assert_eq!((f.list(), f.str(), f.broken()), (vec!["a"], "", false));
    assert_eq!(step("noSuchStep", &join(&["a\0b"]), "")[..1].to_owned(), "!");
}

#[test]
fn json_writer_escapes_every_control_character_1000_random_strings() {
    let mut r = fuzz::Rng::new(3);
    let mut all: Vec<String> = (0u32..0x20).chain([0x7f, 0x2028, 0x2029, 0xfeff, 0xfffd, 0x1f600, 0x10ffff]).map(|c| char::from_u32(c).unwrap().to_string()).collect();
    all.extend((0..1000).map(|_| fuzz::any_text(&mut r, 20)));
    for s in &all {
        let text = json::Object::new().str(s, s).finish();
        assert!(!text.chars().any(|c| (c as u32) < 0x20), "a raw control character in {text:?}");
        let back: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert_eq!(back[s.as_str()], serde_json::Value::String(s.clone()), "{text:?}");
    }
    println!("json: {} strings escaped and read back by serde_json", all.len());
}
