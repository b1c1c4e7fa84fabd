package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/hegui/hegui/internal/ignore"
	"github.com/hegui/hegui/internal/scan"
	"github.com/hegui/hegui/internal/store"
	"github.com/hegui/hegui/internal/text"
)

// runBatch scans every input under dir, one target per file, on all
// cores, into a results database. A file whose result is already stored
// (same content, same hegui, same data and rules) is not scanned again,
// so an interrupted batch resumes where it stopped.
func runBatch(ctx context.Context, g *globals, o *scanOpts, sc *scan.Scanner, ign *ignore.File, dir string) error {
	db, err := store.Open(ctx, o.out)
	if err != nil {
		return usageErr("--out: %v", err)
	}
	defer db.Close()
	files, skipped, err := sc.Registry.Expand([]string{dir})
	if err != nil {
		return usageErr("--batch: %v", err)
	}
	for _, s := range skipped {
		fmt.Fprintf(g.stderr, "hegui: %s%s%s\n", s.Path, text.Pick(g.lang, ": skipped: ", "：已跳过："), s.Why.In(g.lang))
	}
	dataVersion := batchDataVersion(sc, o, g.lang)
	workers := o.workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	prog := newProgress(g.stderr, len(files), g.lang)
	start := time.Now()
	cpu0 := cpuTime()
	var mu sync.Mutex
	var scanned, resumed, failed int
	jobs := make(chan string)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range jobs {
				outcome, note := batchOne(ctx, sc, db, o, g.lang, ign, dataVersion, f)
				mu.Lock()
				switch outcome {
				case "scanned":
					scanned++
				case "stored":
					resumed++
				case "failed":
					failed++
				}
				prog.step(f, note)
				mu.Unlock()
			}
		}()
	}
	for _, f := range files {
		if ctx.Err() != nil {
			break
		}
		jobs <- f
	}
	close(jobs)
	wg.Wait()
	prog.done()
	wall := time.Since(start)
	cpu := cpuTime() - cpu0
	sum, err := db.Summary(context.Background())
	if err != nil {
		return fmt.Errorf("results: %w", err)
	}
	printBatchSummary(g.stdout, g.lang, sum, scanned, resumed, failed, wall, cpu, o.out)
	if ctx.Err() != nil {
		return &exitError{code: 130, err: errors.New(text.Pick(g.lang, "batch interrupted: run the same command again to resume", "批量扫描被中断：再次运行同一命令即可继续"))}
	}
	return nil
}

// batchOne scans one file unless its result is stored; it returns what
// happened ("scanned", "stored", "failed", "interrupted") and a note.
func batchOne(ctx context.Context, sc *scan.Scanner, db store.Store, o *scanOpts, lang string, ign *ignore.File, dataVersion, file string) (string, string) {
	sum, err := fileSHA256(file)
	if err != nil {
		return "failed", err.Error()
	}
	k := store.Key{SHA256: sum, ToolVersion: version, DataVersion: dataVersion}
	if has, err := db.Has(ctx, k); err == nil && has {
		return "stored", text.Pick(lang, "already in the results", "结果已存在")
	}
	out, err := sc.Run(ctx, scan.Request{Inputs: []string{file}, AppType: o.appType, Lang: lang, Ignore: ign, Workers: 1, Home: strings.ToLower(o.home)})
	if ctx.Err() != nil {
		return "interrupted", ""
	}
	if err != nil {
		// Not the input's fault (a file removed meanwhile): the next run
		// tries again.
		return "failed", err.Error()
	}
	if len(out.Reports) == 0 || len(out.Failed) > 0 && !out.Failed[0].Reported {
		msg := "no report"
		if len(out.Failed) > 0 {
			msg = out.Failed[0].Err
		}
		_ = db.Fail(ctx, store.Failure{Key: k, Path: file, Error: msg})
		return "failed", msg
	}
	// One file is one target, so one report.
	r := out.Reports[0]
	if err := db.Put(ctx, k, r); err != nil {
		return "failed", err.Error()
	}
	n := 0
	for _, c := range r.Summary.Findings {
		n += c
	}
	plural := "s"
	if n == 1 {
		plural = ""
	}
	return "scanned", text.Pick(lang, fmt.Sprintf("%d finding%s", n, plural), fmt.Sprintf("%d 个问题", n))
}

// dataVersionOf names the reference data and built-in rules a scanner
// uses.
func dataVersionOf(sc *scan.Scanner) string {
	h := sha256.New()
	vs := sc.DataVersions()
	keys := make([]string, 0, len(vs))
	for k := range vs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(h, "%s=%s\n", k, vs[k])
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// batchDataVersion names what, besides the input and hegui's version,
// decides a report: the reference data, the rules, the language and the
// scan's options.
func batchDataVersion(sc *scan.Scanner, o *scanOpts, lang string) string {
	h := sha256.New()
	h.Write([]byte(dataVersionOf(sc)))
	for _, f := range o.rules {
		if b, err := os.ReadFile(f); err == nil {
			h.Write(b)
		}
	}
	fmt.Fprintf(h, "lang=%s app-type=%s home=%s ignore=%s no-ignore=%v\n", lang, o.appType, o.home, o.ignore, o.noIgnore)
	return hex.EncodeToString(h.Sum(nil))[:16]
}

func fileSHA256(file string) (string, error) {
	f, err := os.Open(file)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// cpuTime is the process's user and system time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// progress shows a bar with rate and ETA on a terminal, one line per file
// otherwise.
type progress struct {
	bar   *progressbar.ProgressBar
	w     io.Writer
	total int
	n     int
	lang  string
}

func newProgress(w io.Writer, total int, lang string) *progress {
	p := &progress{w: w, total: total, lang: lang}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(w), progressbar.OptionShowCount(),
				progressbar.OptionShowIts(), progressbar.OptionSetItsString(text.Pick(lang, "apps", "个")),
				progressbar.OptionSetPredictTime(true), progressbar.OptionSetDescription("hegui"),
				progressbar.OptionClearOnFinish(), progressbar.OptionThrottle(100*time.Millisecond))
		}
	}
	return p
}

func (p *progress) step(file, note string) {
	p.n++
	if p.bar != nil {
		_ = p.bar.Add(1)
		return
	}
	fmt.Fprintf(p.w, "[%d/%d] %s: %s\n", p.n, p.total, file, note)
}

func (p *progress) done() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}

func printBatchSummary(w io.Writer, l string, s store.Summary, scanned, resumed, failed int, wall, cpu time.Duration, db string) {
	fmt.Fprintf(w, "%s\n", text.Pick(l, "Batch", "批量扫描"))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	rate := 0.0
	if wall > 0 {
		rate = float64(scanned) / wall.Minutes()
	}
	fmt.Fprintf(tw, "  %s\t%d (%.0f/min)\n", text.Pick(l, "scanned now", "本次扫描"), scanned, rate)
	fmt.Fprintf(tw, "  %s\t%d\n", text.Pick(l, "already in the results", "此前已有结果"), resumed)
	fmt.Fprintf(tw, "  %s\t%d\n", text.Pick(l, "unreadable", "无法读取"), failed)
	fmt.Fprintf(tw, "  %s\t%.1f s wall, %.1f s CPU (%.1f cores busy)\n", text.Pick(l, "time", "用时"), wall.Seconds(), cpu.Seconds(), cpu.Seconds()/max(wall.Seconds(), 1e-9))
	fmt.Fprintf(tw, "  %s\t%d %s, %d %s\n", text.Pick(l, "in the results", "结果库中"), s.Reports, text.Pick(l, "reports", "份报告"), s.Failures, text.Pick(l, "unreadable", "无法读取"))
	var sev []string
	for _, k := range []string{"critical", "high", "medium", "low", "info"} {
		sev = append(sev, fmt.Sprintf("%s %d", k, s.BySeverity[k]))
	}
	fmt.Fprintf(tw, "  %s\t%s\n", text.Pick(l, "findings", "问题"), strings.Join(sev, ", "))
	tw.Flush()
	for _, part := range []struct {
		title string
		list  []store.Count
	}{{text.Pick(l, "Top rules (reports)", "最常见规则（报告数）"), s.TopRules}, {text.Pick(l, "Top SDKs (reports)", "最常见SDK（报告数）"), s.TopSDKs}} {
		if len(part.list) == 0 {
			continue
		}
		fmt.Fprintf(w, "%s\n", part.title)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, c := range part.list {
			fmt.Fprintf(tw, "  %s\t%d\n", c.Name, c.N)
		}
		tw.Flush()
	}
	fmt.Fprintf(w, "%s %s\n", text.Pick(l, "Results:", "结果："), db)
}
