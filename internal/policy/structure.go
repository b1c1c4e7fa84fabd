package policy

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// maxTitleRunes is the longest line taken as a numbered title.
const maxTitleRunes = 40

// numberingRE matches the numbering policies put before titles: 一、 （一）
// (一) 第一条 第一章 1. 1、 1.1 1.1.1 (1) ① A. I.
var numberingRE = regexp.MustCompile(`^(?:第[一二三四五六七八九十百零〇0-9]+[章节条部分]|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[）)]|[0-9]{1,2}(?:[.．][0-9]{1,2}){0,3}[、.．]?\s|[0-9]{1,2}(?:[.．][0-9]{1,2}){1,3}|[0-9]{1,2}[、]|[（(][0-9]{1,2}[）)]|[①②③④⑤⑥⑦⑧⑨⑩]|[A-Z][.．]\s|[IVX]{1,4}[.．]\s)`)

// numbering returns the numbering at the start of t and its depth (1 for
// 一、 and 第一章, 2 for （一） and 1., 3 for 1.1 and (1), …).
func numbering(t string) (int, bool) {
	m := numberingRE.FindString(t)
	if m == "" {
		return 0, false
	}
	switch {
	case strings.HasPrefix(m, "第"):
		return 1, true
	case strings.ContainsAny(m[:min(len(m), 3)], "一二三四五六七八九十") && !strings.ContainsAny(m, "（("):
		return 1, true
	case strings.HasPrefix(m, "（") || strings.HasPrefix(m, "("):
		if strings.ContainsAny(m, "0123456789") {
			return 4, true
		}
		return 2, true
	case strings.Count(m, ".")+strings.Count(m, "．") >= 2:
		return 3 + strings.Count(m, ".") + strings.Count(m, "．") - 2, true
	case strings.Count(m, ".")+strings.Count(m, "．") == 1 && !strings.HasSuffix(strings.TrimSpace(m), ".") && !strings.HasSuffix(strings.TrimSpace(m), "．"):
		return 3, true
	}
	return 2, true
}

// Sentence is one statement unit: a sentence of a paragraph or item, or a
// whole table row.
type Sentence struct {
	Text string
	// Start and End are character (rune) offsets in Doc.Text.
	Start, End int
	// Section is the title of the innermost section holding the
	// sentence ("" before the first), and Path the titles from the top.
	Section string
	Path    []string
	Block   int // index into Doc.Blocks
	Kind    BlockKind
	// Title: the sentence is a section title (a heading or a short
	// numbered line).
	Title bool
	Cells []string // a row's cells
	// Header is the header row of the table a row belongs to.
	Header []string
}

// Sentences splits the document into sentences with their sections.
// Headings come from heading blocks and from short numbered lines (一、
// （一） 1.1 …); a table's first row is its header.
func Sentences(d *Doc) []Sentence {
	var out []Sentence
	type open struct {
		level int
		title string
	}
	var stack []open
	var header []string
	prevRow := false
	for i, b := range d.Blocks {
		level, titled := 0, false
		switch {
		case b.Kind == Heading:
			level, titled = b.Level, true
			if n, ok := numbering(b.Text); ok {
				level = max(level, n)
			}
		case b.Kind == Para || b.Kind == Item:
			if n, ok := numbering(b.Text); ok && utf8.RuneCountInString(b.Text) <= maxTitleRunes && !endsSentence(b.Text) {
				level, titled = n, true
			} else if d.Format == "text" && utf8.RuneCountInString(b.Text) <= shortLineRunes && !endsSentence(b.Text) && !strings.ContainsAny(b.Text, "，,：:") {
				// An unnumbered short line of plain text: a title.
				level, titled = 6, true
			}
		}
		if titled {
			for len(stack) > 0 && stack[len(stack)-1].level >= level {
				stack = stack[:len(stack)-1]
			}
			stack = append(stack, open{level, b.Text})
		}
		path := make([]string, len(stack))
		for k, o := range stack {
			path[k] = o.title
		}
		section := ""
		if len(path) > 0 {
			section = path[len(path)-1]
		}
		if b.Kind == Row {
			if !prevRow {
				header = b.Cells
			}
			prevRow = true
			out = append(out, Sentence{Text: b.Text, Start: b.Start, End: b.Start + utf8.RuneCountInString(b.Text), Section: section, Path: path, Block: i, Kind: Row, Cells: b.Cells, Header: header})
			continue
		}
		prevRow = false
		for _, s := range split(b.Text) {
			out = append(out, Sentence{Text: s.text, Start: b.Start + s.start, End: b.Start + s.start + utf8.RuneCountInString(s.text), Section: section, Path: path, Block: i, Kind: b.Kind, Title: titled})
		}
	}
	return out
}

func endsSentence(t string) bool {
	for _, p := range []string{"。", "！", "？", "；", ".", "!", "?", ";"} {
		if strings.HasSuffix(t, p) {
			return true
		}
	}
	return false
}

type piece struct {
	text  string
	start int // rune offset in the block
}

// split cuts a block into sentences at 。！？； (and their ASCII forms when
// followed by a space or the end), keeping the punctuation with the
// sentence. "e.g." and "i.e.", decimals and numbering (1.1) do not end a
// sentence.
func split(t string) []piece {
	var out []piece
	start, runeStart, runes := 0, 0, 0
	for i := 0; i < len(t); {
		r, size := utf8.DecodeRuneInString(t[i:])
		i += size
		runes++
		end := false
		switch r {
		case '。', '！', '？', '；':
			end = true
		case '!', '?', ';':
			end = i == len(t) || t[i] == ' '
		case '.':
			end = (i == len(t) || t[i] == ' ') && !abbreviation(t[start:i])
		}
		if !end {
			continue
		}
		// Closing quotes and brackets stay with the sentence.
		for i < len(t) {
			r2, s2 := utf8.DecodeRuneInString(t[i:])
			if r2 != '”' && r2 != '"' && r2 != '）' && r2 != ')' && r2 != '’' && r2 != '」' {
				break
			}
			i += s2
			runes++
		}
		add(&out, t[start:i], runeStart)
		start, runeStart = i, runes
	}
	add(&out, t[start:], runeStart)
	return out
}

// add appends s, trimmed, keeping its offset right.
func add(out *[]piece, s string, at int) {
	trimmed := strings.TrimLeft(s, " ")
	at += utf8.RuneCountInString(s) - utf8.RuneCountInString(trimmed)
	trimmed = strings.TrimRight(trimmed, " ")
	if trimmed != "" {
		*out = append(*out, piece{trimmed, at})
	}
}

// abbreviation tells whether s (a sentence so far, ending with '.') ends
// with an abbreviation or a number rather than a sentence.
func abbreviation(s string) bool {
	low := strings.ToLower(s)
	for _, a := range []string{"e.g.", "i.e.", "etc.", "inc.", "ltd.", "co.", "no.", "vs.", "mr.", "ms.", "dr.", "u.s.", "st."} {
		if strings.HasSuffix(low, " "+a) || low == a || strings.HasSuffix(low, "("+a) {
			return true
		}
	}
	// "1." "1.1." at the start: numbering, not an end.
	if n, ok := numbering(strings.TrimSpace(s) + " "); ok && n > 0 && len(strings.TrimSpace(s)) <= 6 {
		return true
	}
	return false
}
