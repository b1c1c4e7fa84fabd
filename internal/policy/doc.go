// Package policy reads privacy policies (HTML, plain text, Markdown and,
// through poppler's pdftotext, PDF) in Chinese and English, the way an
// inspector does: it keeps the structure (headings, list items, table rows
// and their cells), splits sentences, and records what each sentence
// states — PI types collected or denied, the SDK list, deletion, complaint
// channel, retention, handler, minors, personalisation, cross-border
// transfer, effective date — with the section and character offsets it
// came from.
//
// The reading is bounded: input size, extracted text, blocks and the time
// of pdftotext all have limits, and what was cut is said.
package policy

// BlockKind is the structural role of a block of text.
type BlockKind uint8

const (
	// Para is a paragraph (or a line of plain text).
	Para BlockKind = iota
	// Heading is a heading (h1-h6, a Markdown #, or a numbered title line).
	Heading
	// Item is a list item.
	Item
	// Row is a table row; Cells holds its cells.
	Row
)

func (k BlockKind) String() string {
	switch k {
	case Heading:
		return "heading"
	case Item:
		return "item"
	case Row:
		return "row"
	}
	return "para"
}

// Block is one unit of the policy's text.
type Block struct {
	Kind  BlockKind
	Level int    // heading level, 1 (top) to 6
	Text  string // whitespace collapsed; a row's cells joined by " | "
	Cells []string
	// Start is the offset, in characters (runes), of Text in Doc.Text.
	Start int
}

// Doc is a policy as read.
type Doc struct {
	Format   string // html, text, markdown, pdf
	Encoding string // utf-8, utf-16le, utf-16be, gb18030, …
	Title    string
	// Text is every block's text, one per line: what offsets index.
	Text   string
	Blocks []Block
	// Problems are what could not be read (a cut, bytes no encoding
	// decodes); the rest of the document is still read.
	Problems []string
	// Notes are what was read another way than declared (a charset the
	// bytes contradict): nothing was lost.
	Notes []string
	// Script is "zh-Hant" for a policy in Traditional Chinese, whose
	// words the lexicon (Simplified Chinese and English) does not read.
	Script string
}
