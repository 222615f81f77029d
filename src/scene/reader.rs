//! Reading values out of a scene file's TOML tree with their spans, so that every message
//! names the line and column of the value it is about: the typed getters (number, string,
//! table, …) and the unknown-key message with its nearest valid key. `parse.rs` walks the
//! document with these.

use super::error::{SceneError, SceneErrorKind, line_col, suggest};
use super::limits;
use std::ops::Range;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

pub(super) type Value<'i> = Spanned<DeValue<'i>>;
pub(super) type R<T> = Result<T, SceneError>;

pub(super) struct Reader<'a> {
    pub(super) text: &'a str,
    pub(super) origin: &'a str,
}

impl Reader<'_> {
    pub(super) fn err(&self, span: Range<usize>, message: impl Into<String>) -> SceneError {
        SceneError {
            kind: SceneErrorKind::Invalid,
            origin: self.origin.to_string(),
            location: Some(line_col(self.text, span.start)),
            message: message.into(),
        }
    }

    pub(super) fn number(&self, v: &Value, what: &str) -> R<f64> {
        let parsed = match v.get_ref() {
            DeValue::Float(f) => f.as_str().replace('_', "").parse::<f64>().ok(),
            DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
                .ok()
                .map(|i| i as f64),
            other => {
                return Err(self.err(
                    v.span(),
                    format!("{what} must be a number, not a {}", other.type_str()),
                ));
            }
        };
        parsed.ok_or_else(|| self.err(v.span(), format!("{what} is not a valid number")))
    }

    pub(super) fn finite(&self, v: &Value, what: &str) -> R<f64> {
        let x = self.number(v, what)?;
        if x.is_finite() {
            Ok(x)
        } else {
            Err(self.err(v.span(), format!("{what} must be finite, got {x}")))
        }
    }

    pub(super) fn integer(&self, v: &Value, what: &str, min: i64, max: i64) -> R<i64> {
        let DeValue::Integer(i) = v.get_ref() else {
            return Err(self.err(
                v.span(),
                format!(
                    "{what} must be a whole number, not a {}",
                    v.get_ref().type_str()
                ),
            ));
        };
        let n = i64::from_str_radix(i.as_str(), i.radix()).ok();
        match n {
            Some(n) if (min..=max).contains(&n) => Ok(n),
            _ => Err(self.err(
                v.span(),
                format!("{what} must be in [{min}, {max}], got {i}"),
            )),
        }
    }

    pub(super) fn string<'v>(&self, v: &'v Value, what: &str) -> R<&'v str> {
        v.get_ref().as_str().ok_or_else(|| {
            self.err(
                v.span(),
                format!("{what} must be a string, not a {}", v.get_ref().type_str()),
            )
        })
    }

    /// A string of at most `most` characters.
    pub(super) fn text<'v>(&self, v: &'v Value, what: &str, most: usize) -> R<&'v str> {
        let s = self.string(v, what)?;
        limits::check_chars(s, most, what).map_err(|m| self.err(v.span(), m))?;
        Ok(s)
    }

    pub(super) fn boolean(&self, v: &Value, what: &str) -> R<bool> {
        v.get_ref().as_bool().ok_or_else(|| {
            self.err(
                v.span(),
                format!(
                    "{what} must be true or false, not a {}",
                    v.get_ref().type_str()
                ),
            )
        })
    }

    pub(super) fn table<'v, 'i>(&self, v: &'v Value<'i>, what: &str) -> R<&'v DeTable<'i>> {
        v.get_ref().as_table().ok_or_else(|| {
            self.err(
                v.span(),
                format!("{what} must be a table, not a {}", v.get_ref().type_str()),
            )
        })
    }

    /// A two-element array of finite numbers.
    pub(super) fn pair(&self, v: &Value, what: &str) -> R<[f64; 2]> {
        let items = v.get_ref().as_array().ok_or_else(|| {
            self.err(
                v.span(),
                format!(
                    "{what} must be an array of two numbers, not a {}",
                    v.get_ref().type_str()
                ),
            )
        })?;
        if items.len() != 2 {
            return Err(self.err(
                v.span(),
                format!(
                    "{what} must be an array of two numbers, got {} items",
                    items.len()
                ),
            ));
        }
        Ok([
            self.finite(&items[0], &format!("{what}[0]"))?,
            self.finite(&items[1], &format!("{what}[1]"))?,
        ])
    }

    /// The one check of a surface parameter or hyperparameter against its valid range.
    pub(super) fn check_range(
        &self,
        v: &Value,
        x: f64,
        range: crate::engine::Range,
        what: &str,
    ) -> R<()> {
        if range.contains(x) {
            Ok(())
        } else {
            Err(self.err(v.span(), format!("{what} must be {range}, got {x}")))
        }
    }

    pub(super) fn unknown_key(
        &self,
        key: &Spanned<std::borrow::Cow<str>>,
        place: &str,
        valid: &[&str],
    ) -> SceneError {
        let hint = suggest(key.get_ref(), valid.iter().copied())
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        self.err(
            key.span(),
            format!(
                "unknown key `{}` in {place}{hint}; valid keys: {}",
                key.get_ref(),
                valid.join(", ")
            ),
        )
    }
}

pub(super) fn get<'v, 'i>(t: &'v DeTable<'i>, key: &str) -> Option<&'v Value<'i>> {
    t.get(key)
}
