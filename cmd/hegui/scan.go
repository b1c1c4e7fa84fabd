package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/hegui/hegui/internal/android/apk"
	"github.com/hegui/hegui/internal/artifact"
	"github.com/hegui/hegui/internal/evidencefile"
	"github.com/hegui/hegui/internal/ignore"
	"github.com/hegui/hegui/internal/report"
	"github.com/hegui/hegui/internal/rules"
	"github.com/hegui/hegui/internal/scan"
)

type scanOpts struct {
	format   string
	output   string
	failOn   string
	exitCode int
	appType  string
	rules    []string
	workers  int
	ignore   string
	noIgnore bool
}

func newScanCmd(g *globals) *cobra.Command {
	o := &scanOpts{}
	cmd := &cobra.Command{
		Use:   "scan [flags] PATH...",
		Short: "Inspect apps (APK, DEX, or directories of them) and report findings with their legal basis",
		Long: `Inspect apps and report findings with their legal basis.

PATH is an APK, a DEX file, a directory (every APK/DEX below it), or a hegui
evidence file (JSON, see internal/evidencefile) recorded by another tool about
the same app: inputs about the same package are joined into one report.`,
		Example: `  hegui scan app.apk
  hegui scan --format json app.apk > report.json
  hegui scan --fail-on high --app-type ride_hailing app.apk
  hegui scan apps/`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErr("scan: give at least one APK, DEX or directory")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return runScan(cmd, g, o, args) },
	}
	f := cmd.Flags()
	f.StringVarP(&o.format, "format", "f", "table", "output format: table, json or sarif")
	f.StringVarP(&o.output, "output", "o", "", "write the report to this file instead of stdout")
	f.StringVar(&o.failOn, "fail-on", "", "exit with --exit-code when an unsuppressed finding at or above this severity exists (critical, high, medium, low, info)")
	f.IntVar(&o.exitCode, "exit-code", 1, "exit code used by --fail-on")
	f.StringVar(&o.appType, "app-type", "", "app type of the necessary-PI provisions (see `hegui app-types`) for necessity checks")
	f.StringArrayVar(&o.rules, "rules", nil, "YAML file of extra rules (repeatable)")
	f.IntVar(&o.workers, "workers", 0, "inputs analyzed at once (default: number of CPUs)")
	f.StringVar(&o.ignore, "ignorefile", "", "file of accepted findings (default: .heguiignore in the current directory)")
	f.BoolVar(&o.noIgnore, "no-ignore", false, "apply no ignore file, not even .heguiignore in the current directory")
	return cmd
}

func runScan(cmd *cobra.Command, g *globals, o *scanOpts, args []string) error {
	if _, err := report.NewWriter(o.format, report.WriterOptions{}); err != nil {
		return usageErr("--format: %v", err)
	}
	if o.exitCode == 0 || o.exitCode == 2 || o.exitCode < 0 || o.exitCode > 125 {
		return usageErr("--exit-code %d: want 1 or 3-125 (0 would pass the gate, 2 means an unreadable input)", o.exitCode)
	}
	var failOn rules.Severity
	if o.failOn != "" {
		var err error
		if failOn, err = rules.ParseSeverity(o.failOn); err != nil {
			return usageErr("--fail-on: %v", err)
		}
	}
	env, err := loadEnv(g, o.rules)
	if err != nil {
		return err
	}
	var ign *ignore.File
	if !o.noIgnore {
		if ign, err = loadIgnore(o.ignore); err != nil {
			return err
		}
	}
	if o.appType != "" {
		at, ok := env.law.AppType(o.appType)
		if !ok {
			return usageErr("--app-type %q: unknown app type (see `hegui app-types`)", o.appType)
		}
		o.appType = at.ID
	}
	paths, err := scan.Expand(args)
	if err != nil {
		return usageErr("%v", err)
	}
	if len(paths) == 0 {
		return usageErr("no APK or DEX files under %v", args)
	}
	log := g.logger()
	sc := &scan.Scanner{
		Analyzers: []scan.Analyzer{apk.New(env.cat, log), evidencefile.Analyzer{}},
		Limits:    artifact.DefaultLimits(),
		Workers:   o.workers,
	}
	start := time.Now()
	results := scan.Join(sc.Run(cmd.Context(), paths))
	var reports []*report.Report
	var bad []error
	worst := 0
	for _, r := range results {
		if r.Err != nil {
			bad = append(bad, r.Err)
			continue
		}
		res := env.engine.Run(r.Set, rules.Options{AppType: o.appType})
		rep := report.Build(r.Set, res, report.Meta{ToolVersion: version, Lang: g.lang, AppType: o.appType, Catalog: env.cat, Law: env.law})
		reports = append(reports, rep)
	}
	oc := ign.Apply(reports, time.Now())
	for _, e := range oc.Expired {
		fmt.Fprintf(g.stderr, "hegui: %s: ignore entry expired on %s and no longer applies\n", ign.Source(&e), e.Expires.Format(ignore.DateLayout))
	}
	for _, e := range oc.Unused {
		fmt.Fprintf(g.stderr, "hegui: %s: ignore entry matched no finding\n", ign.Source(&e))
	}
	for _, rep := range reports {
		rep.CountFindings()
		for _, f := range rep.Findings {
			if f.Suppressed == nil {
				worst = max(worst, rules.Severity(f.Severity).Rank())
			}
		}
	}
	log.Debug("scan done", "inputs", len(paths), "took", time.Since(start))

	var failed []report.InputFailure
	for _, err := range bad {
		var ie *scan.InputError
		if errors.As(err, &ie) {
			failed = append(failed, report.InputFailure{Path: ie.Path, Err: ie.Err.Error()})
		} else {
			failed = append(failed, report.InputFailure{Err: err.Error()})
		}
	}
	w, err := report.NewWriter(o.format, report.WriterOptions{Rules: env.engine.Rules(), Law: env.law, ToolVersion: version, Lang: g.lang, Failed: failed})
	if err != nil {
		return usageErr("--format: %v", err)
	}
	warnUnjoined(g, results)

	var out io.Writer = g.stdout
	if o.output != "" {
		fh, err := os.Create(o.output)
		if err != nil {
			return usageErr("--output: %v", err)
		}
		defer fh.Close()
		out = fh
	}
	if len(reports) > 0 || o.format == "json" || o.format == "sarif" {
		if err := w.Write(out, reports); err != nil {
			return fmt.Errorf("write report: %w", err)
		}
	}
	for _, err := range bad {
		fmt.Fprintln(g.stderr, "hegui:", err)
	}
	if len(bad) > 0 {
		return &exitError{code: 2, err: errors.New(plural(len(bad), "input", "inputs") + " could not be read")}
	}
	if failOn != "" && worst >= failOn.Rank() {
		return &exitError{code: o.exitCode}
	}
	return nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// loadIgnore reads the ignore file given, or .heguiignore in the working
// directory when there is one; nil when there is none.
func loadIgnore(path string) (*ignore.File, error) {
	if path == "" {
		p, found := ignore.Find(".")
		if !found {
			return nil, nil
		}
		path = p
	}
	f, err := ignore.Load(path)
	if err != nil {
		return nil, usageErr("ignore file: %v", err)
	}
	return f, nil
}

// warnUnjoined says when an evidence file about an app joined no package
// although packages were scanned: usually a misspelt package name.
func warnUnjoined(g *globals, results []scan.Result) {
	packages := false
	for _, r := range results {
		if r.Set != nil && r.Set.FromPackage() {
			packages = true
		}
	}
	if !packages {
		return
	}
	for _, r := range results {
		if r.Set != nil && !r.Set.FromPackage() {
			fmt.Fprintf(g.stderr, "hegui: %s: evidence about %q joined no scanned package; it is reported on its own\n", r.Path, r.Set.Target.ID)
		}
	}
}
