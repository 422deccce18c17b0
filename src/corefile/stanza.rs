//! One directive read the way a plugin's setup reads it through Caddy's dispenser: arguments on
//! the directive's line, then an optional `{ … }` block of options, one per line.

use super::lexer::Token;
use super::parser::Directive;
use super::{CorefileError, CorefileErrorKind};

/// An option line inside a directive's block.
#[derive(Debug, Clone)]
pub(crate) struct Option_ {
    pub name: Token,
    pub args: Vec<Token>,
}

impl Option_ {
    pub fn line(&self) -> usize {
        self.name.line
    }

    pub fn texts(&self) -> Vec<&str> {
        self.args.iter().map(|t| t.text.as_str()).collect()
    }

    /// This option of `directive` does not take this many arguments; it takes `expected`.
    pub fn wrong_count(&self, directive: &str, expected: &str) -> CorefileError {
        wrong_count(&self.name, directive, &self.args, expected)
    }

    /// `found`, an argument of this option of `directive`, is not `expected`.
    pub fn invalid(&self, directive: &str, expected: &str, found: &str) -> CorefileError {
        CorefileError::new(
            self.line(),
            CorefileErrorKind::InvalidValue {
                directive: directive.to_owned(),
                option: self.name.text.clone(),
                expected: expected.to_owned(),
                found: found.to_owned(),
            },
        )
    }

    /// `directive` has no such option; it takes `expected`.
    pub fn unknown(&self, directive: &str, expected: &str) -> CorefileError {
        CorefileError::new(
            self.line(),
            CorefileErrorKind::UnknownOption {
                directive: directive.to_owned(),
                option: self.name.text.clone(),
                expected: expected.to_owned(),
            },
        )
    }
}

fn wrong_count(name: &Token, directive: &str, args: &[Token], expected: &str) -> CorefileError {
    CorefileError::new(
        name.line,
        CorefileErrorKind::WrongArgumentCount {
            directive: directive.to_owned(),
            option: name.text.clone(),
            expected: expected.to_owned(),
            found: args.iter().map(|t| t.text.clone()).collect(),
        },
    )
}

/// A directive split into its arguments and block.
#[derive(Debug, Clone)]
pub(crate) struct Stanza {
    pub name: Token,
    pub args: Vec<Token>,
    pub options: Vec<Option_>,
}

impl Stanza {
    pub fn line(&self) -> usize {
        self.name.line
    }

    /// The directive does not take this many arguments; it takes `expected`.
    pub fn wrong_count(&self, expected: &str) -> CorefileError {
        wrong_count(&self.name, &self.name.text, &self.args, expected)
    }
}

/// Splits `directive` into arguments and options.
///
/// # Errors
/// A `}` on an option's line (CoreDNS reads it as an argument), a nested block, or tokens after
/// the closing `}`.
pub(crate) fn read(directive: &Directive) -> Result<Stanza, CorefileError> {
    let tokens = &directive.tokens;
    let name = directive.name.clone();
    let mut index = 0;
    let args = same_line_args(tokens, &mut index, &name)?;
    let mut options = Vec::new();
    if let Some(open) = tokens.get(index) {
        // `args` stopped at `{` on the directive's line or at a line break, where the parser
        // ends a directive unless a block is open.
        if open.text != "{" {
            return Err(CorefileError::new(
                open.line,
                CorefileErrorKind::UnexpectedToken {
                    found: open.text.clone(),
                    place: format!("after `{}`", name.text),
                    expected: "`{` or a new line".to_owned(),
                },
            ));
        }
        index += 1;
        loop {
            let Some(token) = tokens.get(index).cloned() else {
                return Err(CorefileError::new(
                    open.line,
                    CorefileErrorKind::UnclosedDirectiveBlock {
                        directive: name.text.clone(),
                        opened: name.line,
                    },
                ));
            };
            index += 1;
            match token.text.as_str() {
                "}" => break,
                "{" => {
                    return Err(CorefileError::new(
                        token.line,
                        CorefileErrorKind::UnexpectedToken {
                            found: token.text.clone(),
                            place: format!("in the block of `{}`", name.text),
                            expected: "an option name".to_owned(),
                        },
                    ));
                }
                _ => {
                    let args = same_line_args(tokens, &mut index, &token)?;
                    if let Some(next) = tokens.get(index)
                        && next.text == "{"
                    {
                        return Err(CorefileError::new(
                            next.line,
                            CorefileErrorKind::NestedBlock {
                                directive: name.text.clone(),
                                option: token.text.clone(),
                            },
                        ));
                    }
                    options.push(Option_ { name: token, args });
                }
            }
        }
        if let Some(extra) = tokens.get(index) {
            return Err(CorefileError::new(
                extra.line,
                CorefileErrorKind::UnexpectedToken {
                    found: extra.text.clone(),
                    place: format!("after the `}}` that closes the block of `{}`", name.text),
                    expected: "a new line".to_owned(),
                },
            ));
        }
    }
    Ok(Stanza {
        name,
        args,
        options,
    })
}

/// Reads the tokens on the line of `owner` (`tokens[*index - 1]`, or the directive name before
/// `tokens`), stopping before `{`.
fn same_line_args(
    tokens: &[Token],
    index: &mut usize,
    owner: &Token,
) -> Result<Vec<Token>, CorefileError> {
    let mut args: Vec<Token> = Vec::new();
    while let Some(token) = tokens.get(*index) {
        let previous = args.last().unwrap_or(owner);
        if !previous.same_line_as(token) || token.text == "{" {
            break;
        }
        if token.text == "}" {
            return Err(CorefileError::new(
                token.line,
                CorefileErrorKind::MisplacedClose {
                    after: previous.text.clone(),
                    option: Some(owner.text.clone()),
                },
            ));
        }
        args.push(token.clone());
        *index += 1;
    }
    Ok(args)
}
