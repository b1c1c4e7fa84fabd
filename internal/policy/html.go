package policy

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// readHTML keeps the visible text of an HTML page with its structure:
// headings, paragraphs, list items and table rows (with their cells). It
// streams tokens, so nesting depth costs nothing; script, style and other
// invisible elements are skipped.
func readHTML(s string, lim Limits) *Doc {
	b := newBuilder(lim)
	z := html.NewTokenizer(strings.NewReader(s))
	z.SetMaxBuf(lim.MaxText)
	skip := 0    // depth inside invisible elements
	pre := 0     // depth inside <pre>: line breaks are kept
	heading := 0 // level of the open heading, 0 when none
	inTitle := false
	var title strings.Builder
	for !b.cut {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			b.flush(kindOf(heading), heading)
			d := b.done()
			d.Title = collapse(title.String())
			return d
		case html.TextToken:
			if inTitle {
				title.Write(z.Text())
				continue
			}
			if skip > 0 {
				continue
			}
			if pre > 0 && !b.inCell {
				b.preText(string(z.Text()))
				continue
			}
			b.write(string(z.Text()))
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			start := tt != html.EndTagToken
			switch a {
			case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Svg, atom.Iframe, atom.Object, atom.Head:
				if tt == html.SelfClosingTagToken {
					continue
				}
				if start {
					skip++
				} else if skip > 0 {
					skip--
				}
				continue
			case atom.Title:
				inTitle = start && tt != html.SelfClosingTagToken
				continue
			}
			if skip > 0 {
				continue
			}
			switch a {
			case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
				b.flush(kindOf(heading), heading)
				heading = 0
				if start {
					heading = int(name[1] - '0')
				}
			case atom.Li, atom.Dt, atom.Dd:
				b.flush(kindOf(heading), heading)
				heading = 0
				// The item's text follows: flushed as an item.
				b.item = start
			case atom.Tr:
				b.flush(Para, 0)
				if !start {
					b.rowEnd()
				} else if len(b.cells) > 0 || b.inCell {
					b.rowEnd()
				}
			case atom.Td, atom.Th:
				// An open cell ends at its end tag or at the next cell.
				if b.inCell {
					b.cellEnd()
				}
				if start {
					b.buf.Reset()
					b.inCell = true
				}
			case atom.Table:
				b.rowEnd()
				b.flush(Para, 0)
			case atom.Pre:
				b.flush(kindOf(heading), heading)
				if tt == html.StartTagToken {
					pre++
				} else if tt == html.EndTagToken && pre > 0 {
					pre--
				}
			case atom.P, atom.Div, atom.Section, atom.Article, atom.Header, atom.Footer, atom.Main, atom.Nav, atom.Aside,
				atom.Ul, atom.Ol, atom.Dl, atom.Blockquote, atom.Hr, atom.Address, atom.Figure, atom.Figcaption, atom.Form:
				if b.inCell {
					b.write(" ")
					continue
				}
				b.flush(kindOf(heading), heading)
			case atom.Br:
				if b.inCell {
					b.write(" ")
					continue
				}
				b.flush(kindOf(heading), heading)
			default:
				// Inline elements separate words only where markup
				// would show space.
				if a == atom.Span || a == atom.A || a == atom.Strong || a == atom.B || a == atom.Em || a == atom.I || a == atom.U || a == atom.Font || a == atom.Sup || a == atom.Sub {
					continue
				}
				b.write(" ")
			}
		}
	}
	b.flush(kindOf(heading), heading)
	d := b.done()
	d.Title = collapse(title.String())
	return d
}

func kindOf(heading int) BlockKind {
	if heading > 0 {
		return Heading
	}
	return Para
}
