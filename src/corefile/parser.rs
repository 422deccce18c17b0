//! Groups tokens into server blocks and directives, the way Caddy's parser does.
//!
//! A server block is a line of keys (addresses such as `.:53`, separated by spaces or by `, `,
//! possibly continued on the next line after a trailing comma), then `{`, one directive per line,
//! and `}` on a line of its own. A directive runs to the end of its line, or, when it opens a
//! `{` block, to the matching `}`. Snippets (`(name) { … }`) are stored and spliced in where
//! `import name` starts a line.

use super::files::{CorefileFiles, import_paths};
use super::lexer::{Token, tokenize};
use super::plugins;
use super::{CorefileError, CorefileErrorKind};

/// Snippet expansions allowed in one Corefile (Caddy allows 10 000; imports that nest deeply
/// multiply tokens, so this is lower).
const MAX_SNIPPET_EXPANSIONS: usize = 1_000;

/// Tokens allowed after snippet expansion: real Corefiles have hundreds, and a snippet imported
/// a thousand times could otherwise turn a few kilobytes into millions.
const MAX_TOKENS: usize = 100_000;

/// One directive occurrence: its name token and every token after it up to the end of its
/// scope.
#[derive(Debug, Clone)]
pub(crate) struct Directive {
    /// The directive name.
    pub name: Token,
    /// The tokens after the name.
    pub tokens: Vec<Token>,
}

impl Directive {
    /// The directive name.
    pub fn name(&self) -> &str {
        &self.name.text
    }

    /// The line of the directive name.
    pub fn line(&self) -> usize {
        self.name.line
    }
}

/// A server block: its keys and its directives, in order.
#[derive(Debug, Clone)]
pub(crate) struct ServerBlock {
    pub keys: Vec<Token>,
    pub directives: Vec<Directive>,
}

/// Parses tokens into server blocks.
///
/// # Errors
/// Unbalanced braces, an unknown directive name, a misplaced `}`, an `import` of a file, or
/// environment substitution.
pub(crate) fn parse(
    tokens: Vec<Token>,
    files: &dyn CorefileFiles,
) -> Result<Parsed, CorefileError> {
    let mut parser = Parser {
        tokens,
        cursor: 0,
        snippets: Vec::new(),
        expansions: 0,
        files,
        imported: Vec::new(),
    };
    match parser.all() {
        Ok(blocks) => Ok(Parsed {
            blocks,
            imported: parser.imported,
        }),
        Err(error) => Err(parser.locate(error)),
    }
}

/// The server blocks of a Corefile, and the files it imported.
pub(crate) struct Parsed {
    pub blocks: Vec<ServerBlock>,
    /// The container path of each imported file: a token's `file` N > 0 is `imported[N - 1]`.
    pub imported: Vec<String>,
}

impl Parsed {
    /// Places an error about one of `tokens` in the imported file its line belongs to: the file
    /// of the tokens on that line (the first token's file when several files have one there).
    pub fn locate<'t>(
        &self,
        error: CorefileError,
        tokens: impl Iterator<Item = &'t Token>,
    ) -> CorefileError {
        locate(&self.imported, error, tokens)
    }
}

pub(crate) fn locate<'t>(
    imported: &[String],
    error: CorefileError,
    mut tokens: impl Iterator<Item = &'t Token>,
) -> CorefileError {
    if error.file.is_some() {
        return error;
    }
    let file = tokens
        .find(|token| (token.line..=token.end_line).contains(&error.line))
        .map(|token| token.file);
    match file.and_then(|file| imported.get(usize::from(file).checked_sub(1)?)) {
        Some(path) => error.in_file(path),
        None => error,
    }
}

struct Parser<'f> {
    tokens: Vec<Token>,
    /// Index of the next token to read.
    cursor: usize,
    snippets: Vec<(String, Vec<Token>)>,
    expansions: usize,
    /// Where `import FILE` reads from.
    files: &'f dyn CorefileFiles,
    /// The files imported, in order (each one's tokens are marked with its number, from 1).
    imported: Vec<String>,
}

impl Parser<'_> {
    /// Places an error in the imported file it is in: the file of the token the parser stopped
    /// at (or the one before it) when that token is on the error's line.
    fn locate(&self, error: CorefileError) -> CorefileError {
        let near = self.cursor.saturating_sub(1)..(self.cursor + 2).min(self.tokens.len());
        locate(&self.imported, error, self.tokens[near].iter().rev())
    }

    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.cursor)
    }

    fn previous(&self) -> Option<&Token> {
        self.cursor
            .checked_sub(1)
            .and_then(|index| self.tokens.get(index))
    }

    /// Whether the next token starts a new line (or is the first token).
    fn next_on_new_line(&self) -> bool {
        match (self.previous(), self.peek()) {
            (Some(previous), Some(next)) => !previous.same_line_as(next),
            _ => true,
        }
    }

    fn last_line(&self) -> usize {
        self.tokens.last().map_or(1, |t| t.end_line)
    }

    fn all(&mut self) -> Result<Vec<ServerBlock>, CorefileError> {
        let mut blocks = Vec::new();
        while self.peek().is_some() {
            if let Some(block) = self.one()? {
                blocks.push(block);
            }
        }
        Ok(blocks)
    }

    /// Reads one server block or snippet definition (`None`).
    fn one(&mut self) -> Result<Option<ServerBlock>, CorefileError> {
        let keys = self.keys()?;
        if keys.len() == 1 {
            let key = &keys[0].text;
            if key.len() >= 2 && key.starts_with('(') && key.ends_with(')') {
                let name = key[1..key.len() - 1].to_owned();
                let line = keys[0].line;
                self.snippet(name, line)?;
                return Ok(None);
            }
        }
        let Some(first_key) = keys.first().cloned() else {
            return Ok(None);
        };
        let braced = match self.peek() {
            Some(token) if token.text == "{" => {
                self.cursor += 1;
                true
            }
            // Caddy allows one server block without braces: its directives run to the end.
            _ => false,
        };
        let directives = self.directives()?;
        if braced {
            match self.peek() {
                Some(token) if token.text == "}" => self.cursor += 1,
                _ => {
                    return Err(CorefileError::new(
                        self.last_line(),
                        CorefileErrorKind::UnclosedServerBlock {
                            key: first_key.text,
                            opened: first_key.line,
                        },
                    ));
                }
            }
            if let Some(next) = self.peek()
                && !self.next_on_new_line()
            {
                return Err(CorefileError::new(
                    next.line,
                    CorefileErrorKind::UnexpectedToken {
                        found: next.text.clone(),
                        place: "after the `}` that closes a server block".to_owned(),
                        expected: "a new line".to_owned(),
                    },
                ));
            }
        }
        Ok(Some(ServerBlock { keys, directives }))
    }

    /// Reads the keys of a server block, up to (not including) its `{`.
    fn keys(&mut self) -> Result<Vec<Token>, CorefileError> {
        let mut keys: Vec<Token> = Vec::new();
        let mut expecting_another = false;
        loop {
            let Some(token) = self.peek().cloned() else {
                if expecting_another {
                    return Err(CorefileError::new(
                        self.last_line(),
                        CorefileErrorKind::TrailingComma { found: None },
                    ));
                }
                return Ok(keys);
            };
            if !keys.is_empty() && !expecting_another && self.next_on_new_line() {
                return Ok(keys);
            }
            check_no_env(&token)?;
            if token.text == "import" && self.next_on_new_line() {
                self.import()?;
                continue;
            }
            if token.text == "{" {
                if expecting_another {
                    return Err(CorefileError::new(
                        token.line,
                        CorefileErrorKind::TrailingComma {
                            found: Some(token.text),
                        },
                    ));
                }
                if keys.is_empty() {
                    return Err(CorefileError::new(
                        token.line,
                        CorefileErrorKind::MissingKeys,
                    ));
                }
                return Ok(keys);
            }
            if token.text == "}" {
                return Err(CorefileError::new(
                    token.line,
                    CorefileErrorKind::UnmatchedClose,
                ));
            }
            self.cursor += 1;
            let mut text = token.text.clone();
            expecting_another = text.ends_with(',');
            if expecting_another {
                text.pop();
            }
            if text.contains(',') {
                return Err(CorefileError::new(
                    token.line,
                    CorefileErrorKind::CommaInKey { key: text },
                ));
            }
            if !text.is_empty() {
                keys.push(Token { text, ..token });
            }
        }
    }

    /// Reads a snippet body `{ … }` after its `(name)` key.
    fn snippet(&mut self, name: String, line: usize) -> Result<(), CorefileError> {
        match self.peek() {
            Some(token) if token.text == "{" => self.cursor += 1,
            other => {
                return Err(CorefileError::new(
                    other.map_or(line, |t| t.line),
                    CorefileErrorKind::SnippetWithoutBlock {
                        name,
                        found: other.map(|t| t.text.clone()),
                    },
                ));
            }
        }
        if self.snippets.iter().any(|(defined, _)| *defined == name) {
            return Err(CorefileError::new(
                line,
                CorefileErrorKind::DuplicateSnippet { name },
            ));
        }
        let mut depth = 1usize;
        let mut body = Vec::new();
        while let Some(token) = self.peek().cloned() {
            self.cursor += 1;
            if token.text == "}" {
                depth -= 1;
                if depth == 0 {
                    self.snippets.push((name, body));
                    return Ok(());
                }
            } else if token.text == "{" {
                depth += 1;
            }
            body.push(token);
        }
        Err(CorefileError::new(
            self.last_line(),
            CorefileErrorKind::UnclosedSnippet { name, opened: line },
        ))
    }

    /// Replaces `import NAME` (the cursor is on `import`) with the snippet's tokens.
    fn import(&mut self) -> Result<(), CorefileError> {
        let start = self.cursor;
        let import = self.tokens[start].clone();
        // The tokens on the line of `import`.
        let mut arguments: Vec<Token> = Vec::new();
        for next in &self.tokens[start + 1..] {
            if !arguments.last().unwrap_or(&import).same_line_as(next) {
                break;
            }
            arguments.push(next.clone());
        }
        let [argument] = arguments.as_slice() else {
            return Err(CorefileError::new(
                import.line,
                CorefileErrorKind::WrongArgumentCount {
                    directive: import.text.clone(),
                    option: import.text,
                    expected: "one argument (a snippet name)".to_owned(),
                    found: arguments.into_iter().map(|t| t.text).collect(),
                },
            ));
        };
        let argument = argument.clone();
        check_no_env(&argument)?;
        let body = match self
            .snippets
            .iter()
            .find(|(name, _)| *name == argument.text)
        {
            Some((_, body)) => body.clone(),
            None => self.import_files(&import, &argument)?,
        };
        self.expansions += 1;
        if self.expansions > MAX_SNIPPET_EXPANSIONS {
            return Err(CorefileError::new(
                import.line,
                CorefileErrorKind::TooManyImports {
                    name: argument.text,
                },
            ));
        }
        if self.tokens.len() + body.len() > MAX_TOKENS {
            return Err(CorefileError::new(
                import.line,
                CorefileErrorKind::TooManyTokens {
                    name: argument.text,
                    limit: MAX_TOKENS,
                },
            ));
        }
        self.tokens.splice(start..start + 2, body);
        Ok(())
    }

    /// The tokens of the files `import ARGUMENT` names (no snippet has that name), each file's
    /// marked as its own text.
    fn import_files(
        &mut self,
        import: &Token,
        argument: &Token,
    ) -> Result<Vec<Token>, CorefileError> {
        let paths = import_paths(self.files, &argument.text).map_err(|path| {
            CorefileError::new(
                import.line,
                CorefileErrorKind::UnknownSnippet {
                    name: argument.text.clone(),
                    path,
                },
            )
        })?;
        let mut body = Vec::new();
        for path in paths {
            let text = self.files.read(&path).unwrap_or_default();
            let tokens = tokenize(&text).map_err(|error| {
                CorefileError::new(
                    import.line,
                    CorefileErrorKind::ImportedFile {
                        path: path.clone(),
                        line: error.line,
                        error: error.kind.to_string(),
                    },
                )
            })?;
            self.imported.push(path.clone());
            let file = u16::try_from(self.imported.len()).unwrap_or(u16::MAX);
            body.extend(tokens.into_iter().map(|token| Token { file, ..token }));
        }
        Ok(body)
    }

    /// Reads directives up to a `}` (left unread) or the end of the tokens.
    fn directives(&mut self) -> Result<Vec<Directive>, CorefileError> {
        let mut directives = Vec::new();
        while let Some(token) = self.peek().cloned() {
            if token.text == "}" {
                // `directive` refuses a `}` on a directive's line, so this one starts a line or
                // directly follows the server block's `{`.
                break;
            }
            check_no_env(&token)?;
            if token.text == "import" {
                self.import()?;
                continue;
            }
            directives.push(self.directive()?);
        }
        Ok(directives)
    }

    /// Reads one directive: its line and any `{ … }` block it opens.
    fn directive(&mut self) -> Result<Directive, CorefileError> {
        let name = self.tokens[self.cursor].clone();
        if !plugins::is_plugin(&name.text) {
            return Err(CorefileError::new(
                name.line,
                CorefileErrorKind::UnknownDirective { name: name.text },
            ));
        }
        self.cursor += 1;
        let mut tokens = Vec::new();
        let mut nesting = 0usize;
        while let Some(token) = self.peek().cloned() {
            let new_line = self.next_on_new_line();
            if new_line && nesting == 0 {
                break;
            }
            if token.text == "{" {
                nesting += 1;
            } else if token.text == "}" {
                if nesting == 0 {
                    return Err(misplaced_close(&token, self.previous()));
                }
                nesting -= 1;
            } else if new_line && token.text == "import" {
                self.import()?;
                continue;
            }
            check_no_env(&token)?;
            tokens.push(token);
            self.cursor += 1;
        }
        if nesting > 0 {
            return Err(CorefileError::new(
                self.last_line(),
                CorefileErrorKind::UnclosedDirectiveBlock {
                    directive: name.text,
                    opened: name.line,
                },
            ));
        }
        Ok(Directive { name, tokens })
    }
}

/// The error for a `}` that is on the same line as a directive, where Caddy does not read it as
/// the end of a block.
fn misplaced_close(token: &Token, previous: Option<&Token>) -> CorefileError {
    CorefileError::new(
        token.line,
        CorefileErrorKind::MisplacedClose {
            after: previous.map_or("", |t| t.text.as_str()).to_owned(),
            option: None,
        },
    )
}

/// Refuses `{$VAR}` and `{%VAR%}`, which Caddy replaces with environment variables.
fn check_no_env(token: &Token) -> Result<(), CorefileError> {
    for (start, end) in [("{$", "}"), ("{%", "%}")] {
        if let Some(index) = token.text.find(start) {
            let rest = &token.text[index + start.len()..];
            if let Some(close) = rest.find(end)
                && close > 0
            {
                return Err(CorefileError::new(
                    token.line,
                    CorefileErrorKind::EnvironmentSubstitution {
                        placeholder: format!("{start}{}{end}", &rest[..close]),
                    },
                ));
            }
        }
    }
    Ok(())
}
