//! Share links: a scene packed into a URL fragment (`#scene=…`), compact and URL-safe — the
//! scene file deflated and base64url-encoded — so a teacher can send a link instead of a file.
//! The same link opens in the web page and, given on the command line, in the desktop app.

use super::limits::{MAX_LINK_CHARS, MAX_SCENE_BYTES};
use super::{Scene, SceneError, SceneErrorKind, parse};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The web page's address when served locally as the README shows; the default base of links.
pub const LOCAL_SITE: &str = "http://127.0.0.1:8080/";

/// The fragment key before the packed scene.
pub const KEY: &str = "scene=";

/// The scene packed for a URL fragment (without the `#scene=`).
pub fn pack(scene: &Scene) -> String {
    let deflated =
        miniz_oxide::deflate::compress_to_vec(scene.to_toml_self_contained().as_bytes(), 9);
    URL_SAFE_NO_PAD.encode(deflated)
}

/// `base` (a page address) with the scene in its fragment.
pub fn link(base: &str, scene: &Scene) -> String {
    let base = base.split('#').next().unwrap_or(base);
    format!("{base}#{KEY}{}", pack(scene))
}

fn bad(message: impl Into<String>) -> SceneError {
    SceneError {
        kind: SceneErrorKind::Invalid,
        origin: "the link".into(),
        location: None,
        message: message.into(),
    }
}

/// The packed part of a link, URL or fragment, if it carries a scene: the `scene=` field of
/// the fragment's `&`-separated fields.
pub fn packed_part(link: &str) -> Option<&str> {
    let fragment = link.split_once('#').map_or(link, |(_, f)| f);
    fragment.split('&').find_map(|part| part.strip_prefix(KEY))
}

/// True when `s` is a URL (`scheme://…`) or a fragment (`#…`) rather than a file name, by its
/// syntax: a file may be called `scene=a.toml`, and a link may carry other fields before
/// `scene=`.
pub fn is_link(s: &str) -> bool {
    let s = s.trim_start();
    if s.starts_with('#') {
        return true;
    }
    // RFC 3986: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then "://"
    s.split_once("://").is_some_and(|(scheme, _)| {
        let mut chars = scheme.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    })
}

/// The scene in a link (a whole URL, a `#…scene=…` fragment or just the packed text).
pub fn unpack(link: &str) -> Result<Scene, SceneError> {
    if link.len() > MAX_LINK_CHARS + 4096 {
        // checked before looking inside: the address around the scene is short too
        return Err(bad(format!(
            "it is too long ({} characters; the link limit is {MAX_LINK_CHARS})",
            link.len()
        )));
    }
    let packed = match packed_part(link) {
        Some(p) => p,
        None if is_link(link) => return Err(bad("it holds no scene (no `scene=` field)")),
        None => link,
    }
    .trim();
    if packed.is_empty() {
        return Err(bad("it holds no scene"));
    }
    if packed.len() > MAX_LINK_CHARS {
        return Err(bad(format!(
            "it is too long ({} characters; the link limit is {MAX_LINK_CHARS})",
            packed.len()
        )));
    }
    let deflated = URL_SAFE_NO_PAD
        .decode(packed.trim_end_matches('='))
        .map_err(|_| bad("it is damaged (not valid base64url; was it cut off?)"))?;
    let text = miniz_oxide::inflate::decompress_to_vec_with_limit(&deflated, MAX_SCENE_BYTES)
        .map_err(|e| match e.status {
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => bad(format!(
                "it is too large (it unpacks to more than the scene limit of {MAX_SCENE_BYTES} bytes)"
            )),
            _ => bad("it is damaged (it does not unpack to a scene)"),
        })?;
    let text = String::from_utf8(text).map_err(|_| bad("it is damaged (not text)"))?;
    parse(&text, "the link")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_survives_a_link_and_stays_short() {
        for b in super::super::BUILTINS {
            let s = super::super::builtin(b.name).expect("builtin");
            let l = link("http://127.0.0.1:8080/index.html", &s);
            assert!(l.len() < 2000, "{}: {} characters", b.name, l.len());
            assert!(l.chars().all(|c| c.is_ascii_graphic()), "URL-safe");
            assert_eq!(unpack(&l).expect("unpacks"), s, "{}", b.name);
        }
    }

    #[test]
    fn fragments_and_bare_packs_work_too() {
        let s = super::super::builtin("plateau").expect("builtin");
        let p = pack(&s);
        assert_eq!(unpack(&format!("#scene={p}")).expect("fragment"), s);
        assert_eq!(unpack(&p).expect("bare"), s);
        assert!(is_link(&format!("https://x.test/a#scene={p}")));
        assert!(is_link(&format!("#scene={p}")));
        assert!(!is_link("scene.toml"));
        // by syntax, not by substring
        assert!(!is_link("scene=foo.toml"));
        assert!(!is_link("dir/a#scene=b.toml"));
        assert!(!is_link("1http://x"));
        assert!(is_link(&format!("http://127.0.0.1:8080/#a=1&scene={p}")));
        assert_eq!(
            unpack(&format!("http://127.0.0.1:8080/#a=1&scene={p}")).expect("second field"),
            s
        );
        assert!(
            unpack("https://x.test/a#a=1")
                .expect_err("no scene")
                .to_string()
                .contains("no `scene=`")
        );
    }

    #[test]
    fn damaged_and_oversized_links_say_why() {
        let s = super::super::builtin("plateau").expect("builtin");
        let p = pack(&s);
        let cut = &p[..p.len() / 2];
        assert!(
            unpack(cut)
                .expect_err("cut")
                .to_string()
                .contains("damaged")
        );
        assert!(
            unpack("#scene=%%%")
                .expect_err("garbage")
                .to_string()
                .contains("base64url")
        );
        let long = "A".repeat(MAX_LINK_CHARS + 1);
        assert!(
            unpack(&long)
                .expect_err("long")
                .to_string()
                .contains("too long")
        );
        assert!(
            unpack("#scene=")
                .expect_err("empty")
                .to_string()
                .contains("no scene")
        );
        // a zip bomb: a huge run of one byte packs tiny but unpacks past the limit
        let bomb = URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(
            &vec![b'a'; MAX_SCENE_BYTES * 4],
            9,
        ));
        assert!(
            unpack(&bomb)
                .expect_err("bomb")
                .to_string()
                .contains("too large")
        );
        let invalid =
            URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(b"steps = -3", 9));
        assert!(
            unpack(&invalid)
                .expect_err("invalid")
                .to_string()
                .starts_with("the link:")
        );
    }
}
