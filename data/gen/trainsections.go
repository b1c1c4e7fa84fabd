//go:build ignore

// trainsections trains the English policy paragraph classifier
// (internal/policy/sections.go) on the APPCorp corpus and writes
// data/policy/sections.model.gz.
//
// Usage (from the repository root):
//
//	go run data/gen/trainsections.go -corpus ../shared/reference/datasets/appcorp
//
// APPCorp: zhangfanTJU/APPCorp @da20752; Liu, Zhang, Zhao, Guo, Chen and
// Zhang, "APPCorp: A Corpus for Android Privacy Policy Document Structure
// Analysis", Frontiers of Computer Science, 2023. The model trains on
// folds part_0 … part_6 (the options below were chosen with part_6 held
// out); part_7 and part_8 are held out for `hegui eval policy-sections`.
// Training is deterministic: the same corpus gives the same file.
package main

import (
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/hegui/hegui/internal/policy"
)

// options were chosen on part_6 (macro F1 0.792 with parts 0-5 for
// training; 0.782 for the half-size model of MinDF 5, Prune 0.6).
var options = policy.TrainOptions{Epochs: 10, Rate: 0.5, L2: 1e-4, MinDF: 3, Prune: 0.3, Balance: 0.3}

func main() {
	corpus := flag.String("corpus", "../shared/reference/datasets/appcorp", "the APPCorp folds (part_N.txt)")
	out := flag.String("out", "data/policy/sections.model.gz", "where to write the model")
	flag.Parse()
	var train []policy.Paragraph
	for i := 0; i <= 6; i++ {
		b, err := os.ReadFile(filepath.Join(*corpus, fmt.Sprintf("part_%d.txt", i)))
		if err != nil {
			log.Fatal(err)
		}
		ps, err := policy.ParseAPPCorp(b)
		if err != nil {
			log.Fatal(err)
		}
		train = append(train, ps...)
	}
	m := policy.TrainSections(train, options)
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(m.Marshal())
	if err := zw.Close(); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d paragraphs, %d features, %d bytes written to %s\n", len(train), len(m.Weights), buf.Len(), *out)
}
