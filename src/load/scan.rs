//! A linear pass over one document's text, before the YAML parser sees it, that refuses
//! nesting deeper than a limit and aliases that copy more than a limit.
//!
//! # Why
//!
//! The YAML parser's time grows with the square of the nesting depth of flow collections
//! (`[[[[…]]]]`: 16,000 levels took 1.3 s, 32,000 levels 4.4 s, 100,000 levels two minutes)
//! before its own recursion limit applies, since it stops only once the events are built. And
//! it expands aliases by copying the anchored node at each use: nine levels of nine aliases
//! (540 bytes, the "billion laughs") took 200 ms to be refused, and 10,000 aliases of one
//! 6,000-item list (100 KB) were accepted after 31 s, having built 60 million nodes.
//!
//! # How
//!
//! The pass reads the text as libyaml's scanner does, token by token, far enough to know the
//! structure: flow collections (`[`, `{`), block collections (by the columns of keys and `-`
//! entries, as libyaml rolls and unrolls its indentation), quoted, plain and block scalars
//! (whose brackets are text, not structure), comments, anchors and aliases. It keeps, for each
//! anchor, the size of the text its node covers, the aliases inside it and how deep it nests,
//! so that an alias costs what its expansion will cost. Where it reads the text differently
//! from libyaml, it errs towards counting more structure (brackets in text it cannot place),
//! never less, and the parser's own limits stay in place behind it.
//!
//! Every byte is visited a bounded number of times, so the pass is linear in the text.

use std::collections::HashMap;

/// The limits one document is checked against.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Budget {
    /// The most levels of nested collections.
    pub max_depth: usize,
    /// The most alias uses, each alias counted every time its anchored node is copied.
    pub max_aliases: usize,
    /// The most bytes aliases may copy.
    pub max_alias_bytes: usize,
}

/// What a document breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Breach {
    /// A collection one level deeper than [`Budget::max_depth`].
    Depth,
    /// One alias use more than [`Budget::max_aliases`].
    Aliases {
        /// The alias, without `*`.
        alias: String,
    },
    /// Aliases copying more than [`Budget::max_alias_bytes`].
    AliasBytes {
        /// The alias, without `*`.
        alias: String,
        /// The bytes copied, this alias included.
        total: usize,
    },
    /// An alias inside the node its own anchor names: a node that contains itself.
    Recursive {
        /// The alias, without `*`.
        alias: String,
    },
}

/// A breach and the byte offset in the document's text where it happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    /// The byte offset of the token that breaks the limit.
    pub offset: usize,
    /// Which limit.
    pub breach: Breach,
}

/// Checks `text` (one document) against `budget`.
pub(crate) fn check(text: &str, budget: Budget) -> Result<(), Found> {
    let mut scanner = Scanner::new(text, budget);
    scanner.run()
}

/// The kind of an open block collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Block {
    Map,
    Seq,
    /// A sequence at the column of the mapping key it is the value of (`key:\n- a`).
    IndentlessSeq,
}

/// An open block collection: its column and kind.
#[derive(Debug, Clone, Copy)]
struct Level {
    column: usize,
    kind: Block,
}

/// An open flow collection.
#[derive(Debug, Clone, Copy)]
struct FlowLevel {
    /// A sequence (`[`), where `key: value` makes a one-pair mapping, one level more.
    seq: bool,
    /// Whether such a pair is open.
    pair: bool,
    /// The deepest level seen since the current entry started (a pair's key moves one level
    /// down when its `:` comes).
    entry_peak: usize,
}

/// What an anchored node has cost, once it is complete.
#[derive(Debug, Clone, Copy, Default)]
struct Weight {
    /// The bytes of its text, its own aliases expanded.
    bytes: usize,
    /// The alias uses inside it, expanded.
    uses: usize,
    /// How many levels it nests below the point where it starts.
    depth: usize,
}

/// Where an anchored node ends.
#[derive(Debug, Clone, Copy)]
enum End {
    /// Not known yet: the anchor's node has not started. `line` is the anchor's line; `owner`
    /// the block collection it sits in (column, whether a mapping), if any.
    Pending {
        line: usize,
        owner: Option<(usize, bool)>,
    },
    /// A flow collection, ending when the flow level drops below `level`.
    Flow { level: usize },
    /// A scalar or alias, ending with its token.
    Scalar,
    /// A block node below its owner: ending at the first token on a later line at most as
    /// indented as the owner (a `-` at the column of a mapping owner still belongs to it).
    Region {
        line: usize,
        owner: Option<(usize, bool)>,
    },
}

/// An anchor whose node is not complete yet.
#[derive(Debug, Clone, Copy)]
struct Open<'t> {
    name: &'t str,
    /// `bytes_so_far()` where the node starts.
    start_bytes: usize,
    /// `uses` where the node starts.
    start_uses: usize,
    /// The depth at which the node starts (that of the collection holding it).
    base_depth: usize,
    /// The deepest level seen inside the node so far.
    max_depth: usize,
    end: End,
}

/// The kind of token that starts at the current position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    FlowStart,
    FlowEnd,
    FlowEntry,
    Entry,
    Key,
    Value,
    Alias,
    Anchor,
    Tag,
    BlockScalar,
    Quoted,
    Plain,
    Directive,
    Other,
}

struct Scanner<'t> {
    text: &'t str,
    bytes: &'t [u8],
    /// The current byte offset.
    at: usize,
    /// The current line (counted from 0, every YAML line break counted).
    line: usize,
    /// The current column, in characters.
    column: usize,
    /// The flow level: how many `[`/`{` are open.
    flow: usize,
    /// The open flow collections, outermost first (`flow` of them).
    flows: Vec<FlowLevel>,
    /// How many one-pair mappings are open in flow sequences.
    pairs: usize,
    /// The open block collections, outermost first.
    blocks: Vec<Level>,
    /// The first node token since keys became possible on this line: a mapping key's column
    /// and offset, should a `:` follow, and the depth where it starts.
    key: Option<(usize, usize, usize)>,
    /// The deepest level seen since the key candidate started (a flow collection may be a
    /// key: `[a, b]: c`, and the mapping opened at the `:` holds it).
    key_peak: usize,
    /// Whether the next node token may start a key.
    key_allowed: bool,
    /// Complete anchors.
    anchors: HashMap<&'t str, Weight>,
    /// Anchors whose node is still open, outermost first.
    open: Vec<Open<'t>>,
    /// How many times each name is in `open`, to tell an alias inside its own anchor at once.
    open_names: HashMap<&'t str, usize>,
    /// Bytes aliases have copied so far.
    copied: usize,
    /// Alias uses so far.
    uses: usize,
    budget: Budget,
}

impl<'t> Scanner<'t> {
    fn new(text: &'t str, budget: Budget) -> Self {
        Scanner {
            text,
            bytes: text.as_bytes(),
            at: 0,
            line: 0,
            column: 0,
            flow: 0,
            flows: Vec::new(),
            pairs: 0,
            blocks: Vec::new(),
            key: None,
            key_peak: 0,
            key_allowed: true,
            anchors: HashMap::new(),
            open: Vec::new(),
            open_names: HashMap::new(),
            copied: 0,
            uses: 0,
            budget,
        }
    }

    fn run(&mut self) -> Result<(), Found> {
        loop {
            self.skip_to_token();
            if self.at >= self.bytes.len() {
                return Ok(());
            }
            let start = self.at;
            let token = self.token();
            if self.flow == 0 {
                self.unroll(token == Token::Entry);
                self.close_regions(token == Token::Entry);
            }
            self.resolve_pending(token)?;
            self.step(token, start)?;
            if self.at == start {
                // Every token consumes something; a character no token starts with is skipped.
                self.bump();
            }
        }
    }

    // --- Reading characters -------------------------------------------------------------

    fn byte(&self, offset: usize) -> Option<u8> {
        self.bytes.get(self.at + offset).copied()
    }

    fn current(&self) -> Option<u8> {
        self.byte(0)
    }

    /// The length of the line break at the current position, if there is one: `\r\n`, `\r`,
    /// `\n`, NEL, LS or PS (libyaml's breaks).
    fn break_len(&self) -> Option<usize> {
        match (self.byte(0)?, self.byte(1), self.byte(2)) {
            (b'\r', Some(b'\n'), _) => Some(2),
            (b'\r' | b'\n', _, _) => Some(1),
            (0xC2, Some(0x85), _) => Some(2),
            (0xE2, Some(0x80), Some(0xA8 | 0xA9)) => Some(3),
            _ => None,
        }
    }

    fn is_break(&self) -> bool {
        self.break_len().is_some()
    }

    fn is_blank(&self) -> bool {
        matches!(self.current(), Some(b' ' | b'\t'))
    }

    /// A blank, a break or the end of the text at `offset` from the current position.
    fn blankz_at(&self, offset: usize) -> bool {
        match self.byte(offset) {
            None | Some(b' ' | b'\t' | b'\r' | b'\n') => true,
            Some(0xC2) => self.byte(offset + 1) == Some(0x85),
            Some(0xE2) => {
                self.byte(offset + 1) == Some(0x80)
                    && matches!(self.byte(offset + 2), Some(0xA8 | 0xA9))
            }
            Some(_) => false,
        }
    }

    fn is_flow_indicator_at(&self, offset: usize) -> bool {
        matches!(self.byte(offset), Some(b',' | b'[' | b']' | b'{' | b'}'))
    }

    /// Moves over one character (a break counts as one character but starts a line).
    fn bump(&mut self) {
        if let Some(len) = self.break_len() {
            self.at += len;
            self.line += 1;
            self.column = 0;
            if self.flow == 0 {
                self.key_allowed = true;
            }
            self.key = None;
            return;
        }
        let Some(first) = self.current() else {
            return;
        };
        let len = match first {
            0x00..=0x7F => 1,
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            _ => 4,
        };
        self.at = (self.at + len).min(self.bytes.len());
        self.column += 1;
    }

    /// Moves to the end of the line (not over its break).
    fn skip_line(&mut self) {
        while self.current().is_some() && !self.is_break() {
            self.bump();
        }
    }

    /// Skips blanks, comments and breaks up to the next token (libyaml's
    /// `scan_to_next_token`).
    fn skip_to_token(&mut self) {
        loop {
            if self.column == 0 && self.bytes[self.at..].starts_with("\u{feff}".as_bytes()) {
                self.at += 3;
            }
            while self.is_blank() {
                self.bump();
            }
            if self.current() == Some(b'#') {
                self.skip_line();
            }
            if self.is_break() {
                self.bump();
            } else {
                return;
            }
        }
    }

    // --- Tokens ---------------------------------------------------------------------------

    /// What token starts here (libyaml's `fetch_next_token`).
    fn token(&self) -> Token {
        let flow = self.flow > 0;
        match self.current() {
            Some(b'%') if self.column == 0 && !flow => Token::Directive,
            Some(b'[' | b'{') => Token::FlowStart,
            Some(b']' | b'}') => Token::FlowEnd,
            Some(b',') => Token::FlowEntry,
            Some(b'-') if self.blankz_at(1) => Token::Entry,
            Some(b'?') if flow || self.blankz_at(1) => Token::Key,
            Some(b':') if flow || self.blankz_at(1) => Token::Value,
            Some(b'*') => Token::Alias,
            Some(b'&') => Token::Anchor,
            Some(b'!') => Token::Tag,
            Some(b'|' | b'>') if !flow => Token::BlockScalar,
            Some(b'\'' | b'"') => Token::Quoted,
            Some(b'-' | b'?' | b':') => Token::Plain,
            Some(b'#' | b'|' | b'>' | b'%' | b'@' | b'`') => Token::Other,
            Some(_) => Token::Plain,
            None => Token::Other,
        }
    }

    /// Consumes the token `token` that starts at `start`.
    fn step(&mut self, token: Token, start: usize) -> Result<(), Found> {
        match token {
            Token::Directive => self.skip_line(),
            Token::FlowStart => {
                self.node_start(start);
                let seq = self.current() == Some(b'[');
                self.bump();
                self.flow += 1;
                self.flows.push(FlowLevel {
                    seq,
                    pair: false,
                    entry_peak: 0,
                });
                self.deeper(start)?;
                self.key_allowed = true;
            }
            Token::FlowEnd => {
                self.bump();
                self.end_pair();
                if let Some(closed) = self.flows.pop()
                    && let Some(parent) = self.flows.last_mut()
                {
                    parent.entry_peak = parent.entry_peak.max(closed.entry_peak);
                }
                self.flow = self.flows.len();
                self.close_flows();
                self.key_allowed = false;
            }
            Token::FlowEntry => {
                self.bump();
                self.end_pair();
                let depth = self.depth();
                if let Some(top) = self.flows.last_mut() {
                    top.entry_peak = depth;
                }
                self.key_allowed = true;
            }
            Token::Entry => {
                if self.flow == 0 {
                    self.roll(self.column, Block::Seq, start)?;
                }
                self.bump();
                self.after_indicator();
            }
            Token::Key => {
                if self.flow == 0 {
                    self.roll(self.column, Block::Map, start)?;
                } else {
                    self.start_pair(start)?;
                }
                self.bump();
                self.after_indicator();
            }
            Token::Value => {
                if self.flow == 0
                    && let Some((column, offset, base)) = self.key
                {
                    let inside = self.key_peak.saturating_sub(base);
                    if self.roll(column, Block::Map, offset)? && inside > 0 {
                        // The key's own levels now sit inside the new mapping.
                        self.levels_at(self.depth() + inside, offset)?;
                    }
                } else if self.flow > 0 {
                    self.start_pair(start)?;
                }
                self.bump();
                self.after_indicator();
            }
            Token::Alias => {
                self.node_start(start);
                self.bump();
                let name = self.name();
                self.alias(name, start)?;
                self.close_scalars();
                self.key_allowed = false;
            }
            Token::Anchor => {
                self.node_start(start);
                self.bump();
                let name = self.name();
                // A second anchor on the same node (which YAML refuses) replaces the first, so
                // that open anchors stay as many as open nodes.
                if let Some(Open {
                    end: End::Pending { .. },
                    ..
                }) = self.open.last()
                {
                    self.drop_top();
                }
                let owner = self.blocks.last().map(|l| (l.column, l.kind == Block::Map));
                let depth = self.depth();
                *self.open_names.entry(name).or_insert(0) += 1;
                self.open.push(Open {
                    name,
                    start_bytes: self.bytes_so_far_at(start),
                    start_uses: self.uses,
                    base_depth: depth,
                    max_depth: depth,
                    end: End::Pending {
                        line: self.line,
                        owner,
                    },
                });
                self.key_allowed = false;
            }
            Token::Tag => {
                self.node_start(start);
                self.tag();
                self.key_allowed = false;
            }
            Token::BlockScalar => {
                self.node_start(start);
                self.block_scalar();
                self.close_scalars();
                self.key_allowed = true;
            }
            Token::Quoted => {
                self.node_start(start);
                self.quoted();
                self.close_scalars();
                self.key_allowed = false;
            }
            Token::Plain => {
                self.node_start(start);
                self.plain();
                self.close_scalars();
            }
            Token::Other => self.bump(),
        }
        Ok(())
    }

    /// After `-`, `?` or `:`: a key may start again, from the next node on (inside a flow
    /// collection, the block key it may be part of stays).
    fn after_indicator(&mut self) {
        self.key_allowed = true;
        if self.flow == 0 {
            self.key = None;
        }
    }

    /// A node token starts at `offset`: it is a key candidate when keys are allowed.
    fn node_start(&mut self, offset: usize) {
        if self.flow == 0 && self.key_allowed && self.key.is_none() {
            let depth = self.depth();
            self.key = Some((self.column, offset, depth));
            self.key_peak = depth;
        }
    }

    /// An anchor or alias name: libyaml's anchor characters.
    fn name(&mut self) -> &'t str {
        let start = self.at;
        while matches!(
            self.current(),
            Some(b'0'..=b'9' | b'A'..=b'Z' | b'a'..=b'z' | b'_' | b'-')
        ) {
            self.bump();
        }
        &self.text[start..self.at]
    }

    /// A tag: `!<…>` or a shorthand of URI characters.
    fn tag(&mut self) {
        self.bump();
        if self.current() == Some(b'<') {
            while let Some(byte) = self.current() {
                if self.blankz_at(0) {
                    break;
                }
                self.bump();
                if byte == b'>' {
                    break;
                }
            }
            return;
        }
        while let Some(byte) = self.current() {
            let uri = byte.is_ascii_alphanumeric()
                || matches!(
                    byte,
                    b'_' | b'-'
                        | b';'
                        | b'/'
                        | b'?'
                        | b':'
                        | b'@'
                        | b'&'
                        | b'='
                        | b'+'
                        | b'$'
                        | b'.'
                        | b'%'
                        | b'!'
                        | b'~'
                        | b'*'
                        | b'\''
                        | b'('
                        | b')'
                );
            if !uri {
                break;
            }
            self.bump();
        }
    }

    /// A single- or double-quoted scalar, which may span lines.
    fn quoted(&mut self) {
        let Some(quote) = self.current() else {
            return;
        };
        self.bump();
        while let Some(byte) = self.current() {
            if quote == b'\'' && byte == b'\'' {
                self.bump();
                if self.current() == Some(b'\'') {
                    self.bump();
                    continue;
                }
                return;
            }
            if quote == b'"' && byte == b'\\' {
                self.bump();
                self.bump();
                continue;
            }
            if quote == b'"' && byte == b'"' {
                self.bump();
                return;
            }
            self.bump();
        }
    }

    /// A plain scalar (libyaml's `scan_plain_scalar`): in block context it goes on over line
    /// breaks to lines more indented than the current block collection.
    fn plain(&mut self) {
        let indent = self.blocks.last().map_or(0, |level| level.column + 1);
        let flow = self.flow > 0;
        loop {
            if self.current() == Some(b'#') {
                return;
            }
            while !self.blankz_at(0) {
                let byte = self.current();
                if byte == Some(b':') {
                    if self.blankz_at(1) {
                        return;
                    }
                    if flow && (self.is_flow_indicator_at(1) || self.byte(1) == Some(b'?')) {
                        return;
                    }
                }
                if flow && self.is_flow_indicator_at(0) {
                    return;
                }
                self.bump();
            }
            if self.current().is_none() {
                return;
            }
            let line = self.line;
            while self.is_blank() || self.is_break() {
                self.bump();
            }
            if self.line != line {
                self.key_allowed = true;
                if !flow && self.column < indent {
                    return;
                }
            }
        }
    }

    /// A literal or folded block scalar (libyaml's `scan_block_scalar`): its header, then
    /// every line indented at least as much as its content.
    fn block_scalar(&mut self) {
        self.bump();
        let mut increment = 0;
        for _ in 0..2 {
            match self.current() {
                Some(b'+' | b'-') => self.bump(),
                Some(digit @ b'1'..=b'9') => {
                    increment = usize::from(digit - b'0');
                    self.bump();
                }
                _ => break,
            }
        }
        self.skip_line();
        if self.current().is_none() {
            return;
        }
        self.bump(); // the break
        let parent = self.blocks.last().map(|level| level.column);
        let mut indent = if increment > 0 {
            parent.map_or(increment, |column| column + increment)
        } else {
            0
        };
        if indent == 0 {
            // Auto-detect: the indentation of the first non-empty line, at least one more
            // than the parent's.
            let mut widest = 0;
            loop {
                while self.current() == Some(b' ') {
                    self.bump();
                }
                widest = widest.max(self.column);
                if self.is_break() {
                    self.bump();
                } else {
                    break;
                }
            }
            let floor = parent.map_or(1, |column| column + 1).max(1);
            indent = widest.max(floor);
            if self.current().is_some() && self.column < indent {
                return; // an empty scalar; this line is the next token's
            }
        }
        loop {
            // At the start of a line (after skipping up to `indent` spaces).
            while self.column < indent && self.current() == Some(b' ') {
                self.bump();
            }
            if self.current().is_none() {
                return;
            }
            if self.is_break() {
                self.bump();
                continue;
            }
            if self.column < indent {
                return; // a less indented line ends the scalar
            }
            self.skip_line();
            if self.current().is_none() {
                return;
            }
            self.bump();
        }
    }

    // --- Structure ------------------------------------------------------------------------

    fn depth(&self) -> usize {
        self.blocks.len() + self.flow + self.pairs
    }

    /// A `?` or `:` in a flow sequence opens a one-pair mapping (`[a: b]` is `[{a: b}]`), which
    /// holds the key read since the entry started.
    fn start_pair(&mut self, offset: usize) -> Result<(), Found> {
        let Some(top) = self.flows.last_mut() else {
            return Ok(());
        };
        if !top.seq || top.pair {
            return Ok(());
        }
        top.pair = true;
        let key_peak = top.entry_peak;
        self.pairs += 1;
        let depth = self.depth();
        self.levels_at(depth.max(key_peak + 1), offset)
    }

    /// A `,` or the end of a flow sequence closes its one-pair mapping.
    fn end_pair(&mut self) {
        if let Some(top) = self.flows.last_mut()
            && top.pair
        {
            top.pair = false;
            self.pairs -= 1;
        }
    }

    /// A level was just opened at `offset`: checks the depth and notes it in the innermost
    /// open anchor.
    fn deeper(&mut self, offset: usize) -> Result<(), Found> {
        self.levels_at(self.depth(), offset)
    }

    /// Something at `offset` reaches `depth` levels: checks it against the limit and notes it
    /// in the key candidate and the innermost open anchor.
    fn levels_at(&mut self, depth: usize, offset: usize) -> Result<(), Found> {
        if depth > self.budget.max_depth {
            return Err(Found {
                offset,
                breach: Breach::Depth,
            });
        }
        self.key_peak = self.key_peak.max(depth);
        if let Some(top) = self.flows.last_mut() {
            top.entry_peak = top.entry_peak.max(depth);
        }
        if let Some(open) = self.open.last_mut() {
            open.max_depth = open.max_depth.max(depth);
        }
        Ok(())
    }

    /// Opens a block collection at `column` if libyaml would (`roll_indent`, plus the
    /// parser's indentless sequence); true if it did.
    fn roll(&mut self, column: usize, kind: Block, offset: usize) -> Result<bool, Found> {
        let push = match self.blocks.last() {
            None => true,
            Some(top) if column > top.column => true,
            Some(top) => column == top.column && kind == Block::Seq && top.kind == Block::Map,
        };
        if push {
            let kind = match self.blocks.last() {
                Some(top) if top.column == column => Block::IndentlessSeq,
                _ => kind,
            };
            self.blocks.push(Level { column, kind });
            self.deeper(offset)?;
        }
        Ok(push)
    }

    /// Closes the block collections a token at the current column ends (`unroll_indent`).
    fn unroll(&mut self, is_entry: bool) {
        let column = self.column;
        while self.blocks.last().is_some_and(|top| top.column > column) {
            self.blocks.pop();
        }
        if !is_entry
            && self
                .blocks
                .last()
                .is_some_and(|top| top.kind == Block::IndentlessSeq && top.column == column)
        {
            self.blocks.pop();
        }
    }

    // --- Anchors and aliases ----------------------------------------------------------------

    /// Bytes of expanded text up to `offset`.
    fn bytes_so_far_at(&self, offset: usize) -> usize {
        offset.saturating_add(self.copied)
    }

    /// Decides where a pending anchor's node ends, now that the next token is known.
    fn resolve_pending(&mut self, token: Token) -> Result<(), Found> {
        let Some(top) = self.open.last() else {
            return Ok(());
        };
        let End::Pending { line, owner } = top.end else {
            return Ok(());
        };
        if matches!(token, Token::Tag | Token::Anchor) {
            return Ok(());
        }
        let end = if self.flow > 0 || line == self.line {
            match token {
                Token::FlowStart => End::Flow {
                    level: self.flow + 1,
                },
                Token::Plain | Token::Quoted | Token::BlockScalar | Token::Alias => End::Scalar,
                _ => {
                    self.close_top();
                    return Ok(());
                }
            }
        } else {
            End::Region { line, owner }
        };
        if let Some(top) = self.open.last_mut() {
            top.end = end;
        }
        if let End::Region { .. } = end {
            self.close_regions(token == Token::Entry);
        }
        Ok(())
    }

    /// Removes the innermost open anchor from `open`.
    fn drop_top(&mut self) -> Option<Open<'t>> {
        let open = self.open.pop()?;
        if let Some(count) = self.open_names.get_mut(open.name) {
            *count -= 1;
            if *count == 0 {
                self.open_names.remove(open.name);
            }
        }
        Some(open)
    }

    /// Closes the innermost open anchor, recording its weight.
    fn close_top(&mut self) {
        let Some(open) = self.drop_top() else {
            return;
        };
        let weight = Weight {
            bytes: self
                .bytes_so_far_at(self.at)
                .saturating_sub(open.start_bytes),
            uses: self.uses - open.start_uses,
            depth: open.max_depth - open.base_depth,
        };
        if let Some(parent) = self.open.last_mut() {
            parent.max_depth = parent.max_depth.max(open.max_depth);
        }
        self.anchors.insert(open.name, weight);
    }

    fn close_scalars(&mut self) {
        while matches!(
            self.open.last(),
            Some(Open {
                end: End::Scalar,
                ..
            })
        ) {
            self.close_top();
        }
    }

    fn close_flows(&mut self) {
        while let Some(Open {
            end: End::Flow { level },
            ..
        }) = self.open.last()
        {
            if *level > self.flow {
                self.close_top();
            } else {
                break;
            }
        }
    }

    /// Closes the block regions the token at the current position (block context) ends.
    fn close_regions(&mut self, is_entry: bool) {
        let column = self.column;
        while let Some(Open {
            end: End::Region { line, owner },
            ..
        }) = self.open.last()
        {
            if *line == self.line {
                break;
            }
            let ends = match owner {
                None => false,
                Some((owner_column, owner_is_map)) => {
                    column < *owner_column
                        || (column == *owner_column && !(is_entry && *owner_is_map))
                }
            };
            if ends {
                self.close_top();
            } else {
                break;
            }
        }
    }

    /// An alias `*name` at `offset`: charges what copying its anchor's node costs.
    fn alias(&mut self, name: &'t str, offset: usize) -> Result<(), Found> {
        if self.open_names.contains_key(name) {
            return Err(Found {
                offset,
                breach: Breach::Recursive {
                    alias: name.to_owned(),
                },
            });
        }
        let Some(weight) = self.anchors.get(name).copied() else {
            return Ok(()); // an unknown anchor: the parser reports it
        };
        self.uses = self.uses.saturating_add(1).saturating_add(weight.uses);
        if self.uses > self.budget.max_aliases {
            return Err(Found {
                offset,
                breach: Breach::Aliases {
                    alias: name.to_owned(),
                },
            });
        }
        self.copied = self.copied.saturating_add(weight.bytes);
        if self.copied > self.budget.max_alias_bytes {
            return Err(Found {
                offset,
                breach: Breach::AliasBytes {
                    alias: name.to_owned(),
                    total: self.copied,
                },
            });
        }
        self.levels_at(self.depth().saturating_add(weight.depth), offset)
    }
}

#[cfg(test)]
mod tests;
