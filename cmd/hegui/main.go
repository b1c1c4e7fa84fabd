// Command hegui inspects apps for breaches of China's Personal Information
// Protection Law and cites the law for each finding.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/hegui/hegui/internal/text"
	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

// exitError carries an exit code up to main.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}

func usageErr(format string, args ...any) error {
	return &exitError{code: 2, err: fmt.Errorf(format, args...)}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// After the first interrupt, a second one ends the process.
		<-ctx.Done()
		stop()
	}()
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes the CLI and returns the process exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(stderr, "hegui:", ee.err)
		}
		return ee.code
	}
	// Flag and argument errors from cobra are usage errors.
	fmt.Fprintln(stderr, "hegui:", err)
	return 2
}

type globals struct {
	lang    string
	verbose bool
	stdout  io.Writer
	stderr  io.Writer
}

func (g *globals) logger() *slog.Logger {
	level := slog.LevelWarn
	if g.verbose {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(g.stderr, &slog.HandlerOptions{Level: level}))
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	g := &globals{stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:   "hegui",
		Short: "PIPL compliance inspector for apps: finds personal-information collection and cites the law",
		Long: `hegui inspects Android apps (APK, DEX) for collection of personal information
and reports each finding with the Chinese law it breaks (PIPL, the 2019 认定方法,
MIIT notices 164/337, the necessary-PI provisions for 39 app types).`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.PersistentFlags().StringVar(&g.lang, "lang", defaultLang(), "language of human-facing text: zh or en (default from $LANG)")
	root.PersistentFlags().BoolVarP(&g.verbose, "verbose", "v", false, "log progress to stderr")
	root.PersistentPreRunE = func(cmd *cobra.Command, args []string) error {
		switch {
		case text.IsZh(g.lang):
			g.lang = "zh"
		case strings.HasPrefix(g.lang, "en"):
			g.lang = "en"
		default:
			return usageErr("--lang %q: want zh or en", g.lang)
		}
		return nil
	}
	root.AddCommand(newScanCmd(g), newPolicyCmd(g), newEvalCmd(g), newRulesCmd(g), newAppTypesCmd(g), newSDKsCmd(g), newVersionCmd(g), newServeCmd(g), newWorkerCmd(g))
	return root
}

// defaultLang reads the locale like other command-line tools do.
func defaultLang() string {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(k); v != "" {
			if strings.HasPrefix(strings.ToLower(v), "zh") {
				return "zh"
			}
			return "en"
		}
	}
	return "en"
}

func newVersionCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print hegui's version and the versions of its reference data",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			env, err := loadEnv(g, nil)
			if err != nil {
				return err
			}
			v := version
			if bi, ok := debug.ReadBuildInfo(); ok && version == "0.1.0-dev" {
				for _, s := range bi.Settings {
					if s.Key == "vcs.revision" && len(s.Value) >= 12 {
						v += "+" + s.Value[:12]
					}
				}
			}
			fmt.Fprintf(g.stdout, "hegui %s\n", v)
			for _, kv := range sortedKV(env.DataVersions()) {
				fmt.Fprintf(g.stdout, "  data %s %s\n", kv[0], kv[1])
			}
			return nil
		},
	}
}
