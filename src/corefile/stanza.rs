//! One directive read the way a plugin's setup reads it through Caddy's dispenser: arguments on
//! the directive's line, then an optional `{ … }` block of options, one per line.

use super::CorefileError;
use super::lexer::Token;
use super::parser::Directive;

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
}

/// Splits `directive` into arguments and options.
///
/// # Errors
/// A `}` on an option's line (CoreDNS reads it as an argument), a nested block, or tokens after
/// the closing `}`.
pub(crate) fn read(directive: &Directive) -> Result<Stanza, CorefileError> {
    let tokens = &directive.tokens;
    let Some(name) = tokens.first().cloned() else {
        return Err(CorefileError::new(1, "empty directive"));
    };
    let mut index = 1;
    let args = same_line_args(tokens, &mut index, &name)?;
    let mut options = Vec::new();
    if let Some(open) = tokens.get(index) {
        // `args` stopped at `{` on the directive's line or at a line break, where the parser
        // ends a directive unless a block is open.
        if open.text != "{" {
            return Err(CorefileError::new(
                open.line,
                format!(
                    "unexpected `{}` after `{}`: expected `{{` or a new line",
                    open.text, name.text
                ),
            ));
        }
        index += 1;
        loop {
            let Some(token) = tokens.get(index).cloned() else {
                return Err(CorefileError::new(
                    open.line,
                    format!("the block of `{}` is not closed: expected `}}`", name.text),
                ));
            };
            index += 1;
            match token.text.as_str() {
                "}" => break,
                "{" => {
                    return Err(CorefileError::new(
                        token.line,
                        format!(
                            "unexpected `{{` in the block of `{}`: expected an option name",
                            name.text
                        ),
                    ));
                }
                _ => {
                    let args = same_line_args(tokens, &mut index, &token)?;
                    if let Some(next) = tokens.get(index)
                        && next.text == "{"
                    {
                        return Err(CorefileError::new(
                            next.line,
                            format!(
                                "`{}` in the block of `{}` cannot open a block of its own",
                                token.text, name.text
                            ),
                        ));
                    }
                    options.push(Option_ { name: token, args });
                }
            }
        }
        if let Some(extra) = tokens.get(index) {
            return Err(CorefileError::new(
                extra.line,
                format!(
                    "unexpected `{}` after the `}}` that closes the block of `{}`: expected a new line",
                    extra.text, name.text
                ),
            ));
        }
    }
    Ok(Stanza {
        name,
        args,
        options,
    })
}

/// Reads the tokens on the line of `tokens[*index - 1]`, stopping before `{`.
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
                format!(
                    "unexpected `}}` after `{}`: a `}}` that closes a block must start its own line (CoreDNS would read it as an argument of `{}`)",
                    previous.text, owner.text
                ),
            ));
        }
        args.push(token.clone());
        *index += 1;
    }
    Ok(args)
}
