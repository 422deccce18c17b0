//! Splits a Corefile into tokens the way Caddy's lexer does.
//!
//! Tokens are separated by white space. `#` starts a comment anywhere outside quotes, even in the
//! middle of a word, and the comment runs to the end of the line. A `"` at the start of a token
//! opens a quoted token, which may hold spaces and line breaks; inside it `\"` is a quote and any
//! other backslash is kept as written. Braces are not special here: `{` and `}` only open and
//! close blocks when they are tokens of their own.

use super::{CorefileError, CorefileErrorKind};

/// One token and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    /// The text, without quotes.
    pub text: String,
    /// The line the token starts on, counted from 1.
    pub line: usize,
    /// The line the token ends on (differs from `line` for quoted tokens holding line breaks).
    pub end_line: usize,
    /// Which text it comes from: 0 for the Corefile, then each imported file in turn (lines
    /// count within their own text, so two tokens are on one line only in the same text).
    pub file: u16,
}

impl Token {
    /// Whether `next` starts on the line this token ends on (Caddy's "same line" test).
    pub fn same_line_as(&self, next: &Token) -> bool {
        self.file == next.file && self.end_line == next.line
    }
}

/// Splits `text` into tokens.
///
/// # Errors
/// A quoted token that is never closed. (Caddy would take the rest of the file as one token;
/// that is never what was meant.)
pub(crate) fn tokenize(text: &str) -> Result<Vec<Token>, CorefileError> {
    let mut tokens = Vec::new();
    let mut line = 1;
    let mut chars = text.chars();
    let mut current: Option<Token> = None;
    let mut comment = false;

    while let Some(ch) = chars.next() {
        if ch.is_whitespace() {
            if ch == '\n' {
                line += 1;
                comment = false;
            }
            if let Some(token) = current.take() {
                tokens.push(token);
            }
            continue;
        }
        if ch == '#' {
            comment = true;
        }
        if comment {
            continue;
        }
        match current.as_mut() {
            Some(token) => token.text.push(ch),
            None if ch == '"' => {
                let start = line;
                let mut value = String::new();
                let mut closed = false;
                let mut escaped = false;
                for inner in chars.by_ref() {
                    if !escaped && inner == '"' {
                        closed = true;
                        break;
                    }
                    if !escaped && inner == '\\' {
                        escaped = true;
                        continue;
                    }
                    if inner == '\n' {
                        line += 1;
                    }
                    // Only a quote can be escaped; any other backslash is kept.
                    if escaped && inner != '"' {
                        value.push('\\');
                    }
                    value.push(inner);
                    escaped = false;
                }
                if !closed {
                    return Err(CorefileError::new(start, CorefileErrorKind::UnclosedQuote));
                }
                // Caddy ends a quoted token at its closing quote, even when more text follows.
                tokens.push(Token {
                    text: value,
                    line: start,
                    end_line: line,
                    file: 0,
                });
            }
            None => {
                current = Some(Token {
                    text: ch.to_string(),
                    line,
                    end_line: line,
                    file: 0,
                });
            }
        }
    }
    if let Some(token) = current.take() {
        tokens.push(token);
    }
    Ok(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(input: &str) -> Vec<(String, usize)> {
        tokenize(input)
            .unwrap()
            .into_iter()
            .map(|t| (t.text, t.line))
            .collect()
    }

    #[test]
    fn words_comments_and_quotes() {
        assert_eq!(
            texts("a b#c d\n\"x y\" e\r\n\"q\\\"z\\n\\\\\""),
            vec![
                ("a".into(), 1),
                ("b".into(), 1),
                ("x y".into(), 2),
                ("e".into(), 2),
                ("q\"z\\n\\\\".into(), 3),
            ]
        );
    }

    #[test]
    fn quoted_token_over_lines_and_empty() {
        let tokens = tokenize("\"a\nb\" c\nd \"\"").unwrap();
        assert_eq!(tokens[0].line, 1);
        assert_eq!(tokens[0].end_line, 2);
        assert!(tokens[0].same_line_as(&tokens[1]));
        assert_eq!(tokens[3].text, "");
    }

    #[test]
    fn unterminated_quote() {
        let err = tokenize("a\n\"b c").unwrap_err();
        assert_eq!(err.line, 2);
        assert_eq!(*err.kind, CorefileErrorKind::UnclosedQuote);
    }

    #[test]
    fn quote_inside_word_is_literal() {
        assert_eq!(texts("a\"b\""), vec![("a\"b\"".into(), 1)]);
    }
}
