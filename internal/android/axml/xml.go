package axml

import (
	"fmt"
	"strings"
)

var escaper = strings.NewReplacer(`&`, "&amp;", `<`, "&lt;", `>`, "&gt;", `"`, "&quot;", "\n", "&#10;", "\r", "&#13;", "\t", "&#9;")

var textEscaper = strings.NewReplacer(`&`, "&amp;", `<`, "&lt;", `>`, "&gt;")

// XML renders the document as indented text XML. Namespace prefixes come
// from the document's declarations; undeclared namespaces get generated
// prefixes. Typed values are rendered by Attr.Value.
func (doc *Document) XML() string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	if doc.Root == nil {
		return b.String()
	}
	w := xmlWriter{b: &b, prefix: map[string]string{}}
	for _, ns := range doc.namespaces {
		w.declare(ns.uri, ns.prefix)
	}
	w.collect(doc.Root)
	w.element(doc.Root, 0)
	return b.String()
}

type xmlWriter struct {
	b      *strings.Builder
	prefix map[string]string // namespace URI -> prefix
	decls  []namespace
}

func (w *xmlWriter) declare(uri, prefix string) {
	if _, ok := w.prefix[uri]; ok || uri == "" {
		return
	}
	if prefix == "" || strings.ContainsAny(prefix, " :<>\"'&=") {
		if uri == AndroidNS {
			prefix = "android"
		} else {
			prefix = fmt.Sprintf("ns%d", len(w.decls))
		}
	}
	w.prefix[uri] = prefix
	w.decls = append(w.decls, namespace{prefix, uri})
}

// collect declares every namespace used in the tree but not declared.
func (w *xmlWriter) collect(e *Element) {
	w.declare(e.Space, "")
	for _, a := range e.Attrs {
		w.declare(a.Space, "")
	}
	for _, c := range e.Children {
		w.collect(c)
	}
}

func (w *xmlWriter) name(space, name string) string {
	if name == "" {
		name = "_"
	}
	if p, ok := w.prefix[space]; ok {
		return p + ":" + name
	}
	return name
}

func (w *xmlWriter) element(e *Element, depth int) {
	indent := strings.Repeat("  ", depth)
	w.b.WriteString(indent + "<" + w.name(e.Space, e.Name))
	if depth == 0 {
		for _, ns := range w.decls {
			fmt.Fprintf(w.b, " xmlns:%s=\"%s\"", ns.prefix, escaper.Replace(ns.uri))
		}
	}
	for _, a := range e.Attrs {
		fmt.Fprintf(w.b, " %s=\"%s\"", w.name(a.Space, a.Name), escaper.Replace(a.Value()))
	}
	switch {
	case len(e.Children) == 0 && e.Text == "":
		w.b.WriteString("/>\n")
		return
	case len(e.Children) == 0:
		w.b.WriteString(">" + textEscaper.Replace(e.Text) + "</" + w.name(e.Space, e.Name) + ">\n")
		return
	}
	w.b.WriteString(">\n")
	if e.Text != "" {
		w.b.WriteString(indent + "  " + textEscaper.Replace(e.Text) + "\n")
	}
	for _, c := range e.Children {
		w.element(c, depth+1)
	}
	w.b.WriteString(indent + "</" + w.name(e.Space, e.Name) + ">\n")
}
