package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hegui/hegui/internal/ignore"
	"github.com/hegui/hegui/internal/policy"
	"github.com/hegui/hegui/internal/report"
	"github.com/hegui/hegui/internal/rules"
	"github.com/hegui/hegui/internal/scan"
	"github.com/hegui/hegui/internal/text"
	"github.com/hegui/hegui/internal/traffic"
)

type scanOpts struct {
	format      string
	output      string
	failOn      string
	exitCode    int
	appType     string
	rules       []string
	workers     int
	ignore      string
	noIgnore    bool
	targets     []string
	targetsFile string
	policies    []string
	deviceIDs   string
	consentAt   string
	device      string
	faceDevice  bool
	home        string
	batch       string
	out         string
}

func newScanCmd(g *globals) *cobra.Command {
	o := &scanOpts{}
	cmd := &cobra.Command{
		Use:   "scan [flags] PATH...",
		Short: "Inspect apps (APK, DEX, or directories of them) and their privacy policies, and report findings with their legal basis",
		Long: `Inspect apps and report findings with their legal basis.

PATH is an APK, a DEX file, a directory (every APK/DEX below it), a privacy
policy (HTML, text, Markdown or PDF, read when named, never picked from a
directory), or a hegui evidence file (JSON, see internal/evidencefile)
recorded by another tool about the same app: a policy given with one app,
and inputs about the same package, are joined into one report.`,
		Example: `  hegui scan app.apk
  hegui scan app.apk policy.html
  hegui scan app.apk --policy policy.pdf --policy sdk-list.html
  hegui scan --format json app.apk > report.json
  hegui scan --fail-on high --app-type ride_hailing app.apk
  hegui scan apps/`,
		Args: func(cmd *cobra.Command, args []string) error {
			if o.batch != "" {
				if len(args) > 0 || len(o.targets) > 0 || o.targetsFile != "" || len(o.policies) > 0 {
					return usageErr("--batch DIR scans every file under DIR on its own: give no other input")
				}
				return nil
			}
			if len(args) == 0 && len(o.targets) == 0 && o.targetsFile == "" {
				return usageErr("scan: give at least one APK, DEX, policy or directory")
			}
			if len(o.policies) > 0 && len(args) != 1 {
				return usageErr("--policy: give exactly one app with it (for several apps, group each with its policy: --target app.apk,policy.html)")
			}
			for _, p := range o.policies {
				if !isPolicyFile(p) || strings.Contains(p, ",") {
					return usageErr("--policy %s: not a policy file (%s, or a PDF; no comma in the name)", p, strings.Join(policy.Extensions, " "))
				}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return runScan(cmd, g, o, args) },
	}
	f := cmd.Flags()
	f.StringVarP(&o.format, "format", "f", "table", "output format: table, json, sarif or html (one self-contained page)")
	f.StringVarP(&o.output, "output", "o", "", "write the report to this file instead of stdout")
	f.StringVar(&o.failOn, "fail-on", "", "exit with --exit-code when an unsuppressed finding at or above this severity exists (critical, high, medium, low, info)")
	f.IntVar(&o.exitCode, "exit-code", 1, "exit code used by --fail-on")
	f.StringVar(&o.appType, "app-type", "", "app type of the necessary-PI provisions (see `hegui app-types`) for necessity checks")
	f.StringArrayVar(&o.rules, "rules", nil, "YAML file of extra rules (repeatable)")
	f.IntVar(&o.workers, "workers", 0, "inputs analyzed at once (default: number of CPUs)")
	f.StringVar(&o.ignore, "ignorefile", "", "file of accepted findings (default: .heguiignore in the current directory)")
	f.BoolVar(&o.noIgnore, "no-ignore", false, "apply no ignore file, not even .heguiignore in the current directory")
	f.StringArrayVar(&o.targets, "target", nil, "comma-separated files that are one target: an app with its policy and captures (repeatable)")
	f.StringVar(&o.targetsFile, "targets", "", "YAML file listing targets and their files (see README: grouping inputs into targets)")
	f.StringArrayVar(&o.policies, "policy", nil, "privacy policy of the app given (HTML, text, Markdown or PDF; repeatable: the app's policy and its SDK list)")
	f.StringVar(&o.deviceIDs, "device-ids", "", "YAML file of the test device's identifiers (imei, mac, android_id, oaid…), found in captures by value, encoded or hashed")
	f.StringVar(&o.consentAt, "consent-at", "", "when the user accepted the privacy policy in the capture: a time (2026-03-01T10:15:02Z), a packet number (#123) or a HAR entry (entry:5)")
	f.StringVar(&o.device, "device", "", "the device a capture without an app comes from (\"smart lock\"): the report's target")
	f.StringVar(&o.batch, "batch", "", "scan every file under DIR on its own, on all cores, into a results database (--out); an interrupted batch resumes")
	f.StringVar(&o.out, "out", "hegui-results.db", "with --batch: the SQLite results file (`hegui serve` opens it)")
	f.BoolVar(&o.faceDevice, "face-device", false, "the captured device recognises faces (lock, gate, camera): its image uploads are face images")
	f.StringVar(&o.home, "home", "CN", "country of the people whose data is inspected (ISO 3166 alpha-2): destinations elsewhere are cross-border")
	return cmd
}

func runScan(cmd *cobra.Command, g *globals, o *scanOpts, args []string) error {
	if len(o.policies) > 0 {
		// The app and its policies are one target.
		o.targets = append(o.targets, strings.Join(append(slices.Clone(args), o.policies...), ","))
		args = nil
	}
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
	capture, err := o.captureOptions()
	if err != nil {
		return err
	}
	if o.home == "" {
		o.home = "CN"
	}
	if len(o.home) != 2 || strings.ToLower(o.home) == strings.ToUpper(o.home) {
		return usageErr("--home %q: want a two-letter country code (CN, US…)", o.home)
	}
	sc, err := loadEnvWith(g, scan.Config{RuleFiles: o.rules, Traffic: capture})
	if err != nil {
		return err
	}
	var ign *ignore.File
	if !o.noIgnore {
		if ign, err = loadIgnore(o.ignore); err != nil {
			return err
		}
	}
	if o.batch != "" {
		return runBatch(cmd.Context(), g, o, sc, ign, o.batch)
	}
	targets, err := targetGroups(o.targets, o.targetsFile)
	if err != nil {
		return err
	}
	req := scan.Request{Inputs: args, Targets: targets, AppType: o.appType, Lang: g.lang, Ignore: ign, Workers: o.workers, Home: strings.ToLower(o.home)}
	out, err := sc.Run(cmd.Context(), req)
	var ce *scan.ConfigError
	if errors.As(err, &ce) {
		return usageErr("%v", ce.Err)
	}
	if err != nil {
		return err
	}
	for _, s := range out.Skipped {
		fmt.Fprintf(g.stderr, "hegui: %s%s%s\n", s.Path, text.Pick(g.lang, ": skipped: ", "：已跳过："), s.Why.In(g.lang))
	}
	for _, w := range out.Warnings {
		fmt.Fprintln(g.stderr, "hegui:", w.In(g.lang))
	}
	w, err := report.NewWriter(o.format, report.WriterOptions{Rules: sc.Engine.Rules(), Law: sc.Law, ToolVersion: version, Lang: g.lang, Failed: out.Failed})
	if err != nil {
		return usageErr("--format: %v", err)
	}
	var dst io.Writer = g.stdout
	if o.output != "" {
		fh, err := os.Create(o.output)
		if err != nil {
			return usageErr("--output: %v", err)
		}
		defer fh.Close()
		dst = fh
	}
	if len(out.Reports) > 0 || o.format == "json" || o.format == "sarif" {
		if err := w.Write(dst, out.Reports); err != nil {
			return fmt.Errorf("write report: %w", err)
		}
	}
	for _, f := range out.Failed {
		if f.Path != "" {
			fmt.Fprintf(g.stderr, "hegui: %s: %s\n", f.Path, f.Err)
		} else {
			fmt.Fprintln(g.stderr, "hegui:", f.Err)
		}
	}
	if cmd.Context().Err() != nil {
		// Interrupted: what was written is partial; no gate verdict.
		return &exitError{code: 130, err: errors.New(text.Pick(g.lang, "scan interrupted: the report is incomplete", "扫描被中断：报告不完整"))}
	}
	if len(out.Failed) > 0 {
		n := len(out.Failed)
		return &exitError{code: 2, err: errors.New(text.Pick(g.lang, plural(n, "input", "inputs")+" could not be read", fmt.Sprintf("%d 个输入无法读取", n)))}
	}
	if failOn != "" && out.Worst.Rank() >= failOn.Rank() {
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

// newPolicyCmd reads privacy policies alone: what each states, with its
// section and sentence, and which items the law requires are missing.
func newPolicyCmd(g *globals) *cobra.Command {
	o := &scanOpts{}
	cmd := &cobra.Command{
		Use:   "policy [flags] FILE...",
		Short: "Read privacy policies alone: what they state and which required items are missing",
		Long: `Read privacy policies (HTML, text, Markdown or PDF; Chinese or English) and
report what each states — PI types collected or denied, the SDK list, the
handler, retention, deletion, complaint channel, withdrawal of consent… with
section and sentence — and the findings of the rules that judge a policy on
its own (no collection rules, no deletion route, no complaint channel, no
handler, no retention period, no way to withdraw consent). Each file is its
own report; give the app too (hegui scan app.apk policy.html) to compare them.`,
		Example: `  hegui policy privacy.html
  hegui policy --format json privacy.pdf > claims.json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErr("policy: give at least one policy file")
			}
			for _, a := range args {
				if !isPolicyFile(a) {
					return usageErr("policy: %s is not a policy file (%s, or a PDF); use hegui scan for apps", a, strings.Join(policy.Extensions, " "))
				}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			// Each policy is a target of its own, read once.
			seen := map[string]bool{}
			for _, a := range args {
				abs, err := filepath.Abs(a)
				if err != nil {
					abs = a
				}
				if !seen[abs] {
					seen[abs] = true
					o.targets = append(o.targets, a)
				}
			}
			return runScan(cmd, g, o, nil)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.format, "format", "f", "table", "output format: table, json, sarif or html (one self-contained page)")
	f.StringVarP(&o.output, "output", "o", "", "write the report to this file instead of stdout")
	f.StringVar(&o.failOn, "fail-on", "", "exit with --exit-code when an unsuppressed finding at or above this severity exists")
	f.IntVar(&o.exitCode, "exit-code", 1, "exit code used by --fail-on")
	f.BoolVar(&o.noIgnore, "no-ignore", false, "apply no ignore file, not even .heguiignore in the current directory")
	return cmd
}

// isPolicyFile tells a policy file by its name, or a PDF by its content.
func isPolicyFile(p string) bool {
	if slices.Contains(policy.Extensions, strings.ToLower(filepath.Ext(p))) {
		return true
	}
	fh, err := os.Open(p)
	if err != nil {
		return false
	}
	defer fh.Close()
	head := make([]byte, 5)
	n, _ := io.ReadFull(fh, head)
	return string(head[:n]) == "%PDF-"
}

// captureOptions reads what the user told about captures.
func (o *scanOpts) captureOptions() (traffic.Options, error) {
	opts := traffic.Options{ConsentAt: o.consentAt, Device: o.device, FaceDevice: o.faceDevice}
	if err := traffic.CheckConsentAt(o.consentAt); err != nil {
		return opts, usageErr("%v", err)
	}
	if o.deviceIDs != "" {
		ids, err := traffic.ReadDeviceIDs(o.deviceIDs)
		if err != nil {
			return opts, usageErr("--device-ids: %v", err)
		}
		opts.DeviceIDs = ids
	}
	return opts, nil
}
