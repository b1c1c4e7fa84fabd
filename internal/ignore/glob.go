package ignore

import (
	"fmt"
	"unicode/utf8"
)

// A glob is a compiled pattern. The syntax is small on purpose:
//
//   - any run of characters that does not contain the separator
//     **    any run of characters, separators included; "**/" also
//     matches nothing, so "**/x.apk" matches "x.apk"
//     ?     any one character except the separator
//     \c    the character c itself (to match a literal *, ? or \)
//
// Every other character matches itself; "[" is not special. A glob with no
// separator (sep == 0) treats "*" and "**" alike. Matching is a dynamic
// programme over pattern and text, so its cost is bounded by the product of
// their lengths whatever the pattern.
type glob struct {
	src  string
	sep  rune
	toks []token
}

type tokenKind uint8

const (
	tokLit     tokenKind = iota // one given character
	tokOne                      // ?
	tokStar                     // *
	tokAny                      // **
	tokAnyDirs                  // **/ : nothing, or anything ending in the separator
)

type token struct {
	kind tokenKind
	r    rune
}

// compileGlob compiles pat with separator sep (0 for none). When unanchored
// is set, the pattern may also match at any separator boundary of the text,
// as if it began with "**/".
func compileGlob(pat string, sep rune, unanchored bool) (*glob, error) {
	if pat == "" {
		return nil, fmt.Errorf("empty pattern")
	}
	if !utf8.ValidString(pat) {
		return nil, fmt.Errorf("pattern %q is not valid UTF-8", pat)
	}
	g := &glob{src: pat, sep: sep}
	if unanchored {
		g.toks = append(g.toks, token{kind: tokAnyDirs})
	}
	rs := []rune(pat)
	for i := 0; i < len(rs); i++ {
		switch r := rs[i]; r {
		case '\\':
			if i+1 == len(rs) {
				return nil, fmt.Errorf("pattern %q ends in an escape", pat)
			}
			i++
			g.toks = append(g.toks, token{kind: tokLit, r: rs[i]})
		case '?':
			g.toks = append(g.toks, token{kind: tokOne})
		case '*':
			if i+1 < len(rs) && rs[i+1] == '*' {
				i++
				for i+1 < len(rs) && rs[i+1] == '*' {
					i++ // "***" is "**"
				}
				switch {
				case sep == 0:
					g.toks = append(g.toks, token{kind: tokStar})
				case i+1 < len(rs) && rs[i+1] == sep:
					i++
					g.toks = append(g.toks, token{kind: tokAnyDirs})
				default:
					g.toks = append(g.toks, token{kind: tokAny})
				}
				continue
			}
			g.toks = append(g.toks, token{kind: tokStar})
		default:
			g.toks = append(g.toks, token{kind: tokLit, r: r})
		}
	}
	return g, nil
}

// String returns the pattern as written.
func (g *glob) String() string { return g.src }

// match reports whether the whole of s matches.
func (g *glob) match(s string) bool {
	text := []rune(s)
	n := len(text)
	// cur[j]: the tokens so far match text[:j].
	cur := make([]bool, n+1)
	next := make([]bool, n+1)
	cur[0] = true
	for _, t := range g.toks {
		seen := false
		for j := 0; j <= n; j++ {
			v := false
			switch t.kind {
			case tokLit:
				v = j > 0 && cur[j-1] && text[j-1] == t.r
			case tokOne:
				v = j > 0 && cur[j-1] && text[j-1] != g.sep
			case tokStar:
				v = cur[j] || (j > 0 && next[j-1] && (g.sep == 0 || text[j-1] != g.sep))
			case tokAny:
				v = cur[j] || (j > 0 && next[j-1])
			case tokAnyDirs:
				// seen is whether cur[k] holds for some k < j.
				v = cur[j] || (j > 0 && seen && text[j-1] == g.sep)
				if cur[j] {
					seen = true
				}
			}
			next[j] = v
		}
		cur, next = next, cur
	}
	return cur[n]
}
