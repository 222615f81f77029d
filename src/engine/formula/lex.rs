//! The formula language's tokens: numbers, names, operators, parentheses, commas, `=` and line
//! breaks, each with the character position where it starts (columns count characters, not
//! bytes, so a `π` in a comment does not shift every column after it).

use super::{FormulaError, Problem};

#[derive(Clone, Debug, PartialEq)]
pub(super) enum Tok {
    Num(f64),
    Name(String),
    Plus,
    Minus,
    Star,
    Slash,
    /// `^`, or `**` for those who write Python.
    Caret,
    Open,
    Close,
    Comma,
    Equals,
    /// `;`: ends a constant's definition or the expression.
    Sep,
    /// A line break: ends a definition or the expression too, except where a line of the
    /// expression ends with an operator or the next one starts with one (a long formula typed
    /// over several lines).
    Break,
    End,
}

impl Tok {
    /// How an error message names what it found.
    pub(super) fn describe(&self) -> String {
        match self {
            Tok::Num(v) => format!("the number {v}"),
            Tok::Name(n) => format!("`{n}`"),
            Tok::Plus => "`+`".into(),
            Tok::Minus => "`-`".into(),
            Tok::Star => "`*`".into(),
            Tok::Slash => "`/`".into(),
            Tok::Caret => "`^`".into(),
            Tok::Open => "`(`".into(),
            Tok::Close => "`)`".into(),
            Tok::Comma => "`,`".into(),
            Tok::Equals => "`=`".into(),
            Tok::Sep => "`;`".into(),
            Tok::Break => "the end of the line".into(),
            Tok::End => "the end of the formula".into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(super) struct Token {
    pub tok: Tok,
    /// Index of the token's first character in the source.
    pub at: usize,
    /// Index just past its last character: a constant's value is rewritten in place there.
    pub end: usize,
}

/// The source as tokens, ending with [`Tok::End`]. `#` starts a comment to the end of its line.
pub(super) fn tokens(source: &str) -> Result<Vec<Token>, FormulaError> {
    let chars: Vec<char> = source.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let at = i;
        let single = match c {
            ' ' | '\t' | '\r' => {
                i += 1;
                continue;
            }
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                continue;
            }
            '\n' => Some(Tok::Break),
            ';' => Some(Tok::Sep),
            '+' => Some(Tok::Plus),
            '-' => Some(Tok::Minus),
            '*' if chars.get(i + 1) == Some(&'*') => {
                i += 1;
                Some(Tok::Caret)
            }
            '*' => Some(Tok::Star),
            '/' => Some(Tok::Slash),
            '^' => Some(Tok::Caret),
            '(' => Some(Tok::Open),
            ')' => Some(Tok::Close),
            ',' => Some(Tok::Comma),
            '=' => Some(Tok::Equals),
            _ => None,
        };
        if let Some(tok) = single {
            i += 1;
            out.push(Token { tok, at, end: i });
            continue;
        }
        if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) {
            i = number_end(&chars, i);
            let text: String = chars[at..i].iter().collect();
            let value = text
                .parse::<f64>()
                .map_err(|_| FormulaError::at(source, at, Problem::BadNumber(text.clone())))?;
            if !value.is_finite() {
                return Err(FormulaError::at(source, at, Problem::BadNumber(text)));
            }
            out.push(Token {
                tok: Tok::Num(value),
                at,
                end: i,
            });
        } else if c.is_ascii_alphabetic() || c == '_' {
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(Token {
                tok: Tok::Name(chars[at..i].iter().collect()),
                at,
                end: i,
            });
        } else {
            return Err(FormulaError::at(source, at, Problem::BadChar(c)));
        }
    }
    out.push(Token {
        tok: Tok::End,
        at: chars.len(),
        end: chars.len(),
    });
    Ok(out)
}

/// Where the number starting at `i` ends: digits, an optional fraction, an optional exponent
/// (only when digits follow the `e`, so `2e` is the number 2 and the name `e`).
fn number_end(chars: &[char], mut i: usize) -> usize {
    let digits = |mut i: usize| {
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        i
    };
    i = digits(i);
    if chars.get(i) == Some(&'.') {
        i = digits(i + 1);
    }
    if matches!(chars.get(i), Some('e' | 'E')) {
        let mut j = i + 1;
        if matches!(chars.get(j), Some('+' | '-')) {
            j += 1;
        }
        if chars.get(j).is_some_and(char::is_ascii_digit) {
            i = digits(j);
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<Tok> {
        tokens(s).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn numbers_names_and_operators() {
        assert_eq!(
            kinds("1.5e-3*x ** .5 - 2e"),
            vec![
                Tok::Num(1.5e-3),
                Tok::Star,
                Tok::Name("x".into()),
                Tok::Caret,
                Tok::Num(0.5),
                Tok::Minus,
                Tok::Num(2.0),
                Tok::Name("e".into()),
                Tok::End
            ]
        );
    }

    #[test]
    fn comments_and_separators() {
        assert_eq!(
            kinds("a = 1 # the slope\nx;"),
            vec![
                Tok::Name("a".into()),
                Tok::Equals,
                Tok::Num(1.0),
                Tok::Break,
                Tok::Name("x".into()),
                Tok::Sep,
                Tok::End
            ]
        );
    }

    #[test]
    fn positions_count_characters() {
        let t = tokens("# π\nx").unwrap();
        assert_eq!(t[1].at, 4);
    }

    #[test]
    fn bad_characters_and_numbers() {
        assert_eq!(
            tokens("x + $").unwrap_err().to_string(),
            "unexpected character `$` at column 5"
        );
        assert_eq!(
            tokens("1e999").unwrap_err().to_string(),
            "the number `1e999` at column 1 is not a finite number"
        );
    }
}
