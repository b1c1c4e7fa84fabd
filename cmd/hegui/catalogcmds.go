package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/hegui/hegui/internal/scan"
	"github.com/hegui/hegui/internal/text"

	"github.com/spf13/cobra"

	"github.com/hegui/hegui/internal/rules"
)

func newRulesCmd(g *globals) *cobra.Command {
	var ruleFiles []string
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List the rules, or explain one with its legal text",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			env, err := loadEnv(g, ruleFiles)
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(g.stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(w, text.Pick(g.lang, "ID\tSEVERITY\tTITLE\tLEGAL BASIS", "编号\t严重程度\t标题\t法律依据"))
			for _, r := range env.Engine.Rules() {
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", r.ID, r.Severity, r.Title.In(g.lang), strings.Join(r.LegalBasis, ", "))
			}
			return w.Flush()
		},
	}
	cmd.PersistentFlags().StringArrayVar(&ruleFiles, "rules", nil, "YAML file of extra rules (repeatable)")
	explain := &cobra.Command{
		Use:   "explain RULE-ID",
		Short: "Explain what a rule checks, the law it rests on (zh and en), and how to fix it",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			env, err := loadEnv(g, ruleFiles)
			if err != nil {
				return err
			}
			r, ok := env.Engine.Rule(args[0])
			if !ok {
				return usageErr("rules explain: no rule %q (see `hegui rules`)", args[0])
			}
			explainRule(g, env, r)
			return nil
		},
	}
	cmd.AddCommand(explain)
	return cmd
}

func explainRule(g *globals, env *scan.Scanner, r rules.Rule) {
	out := g.stdout
	l := g.lang
	fmt.Fprintf(out, "%s  [%s]\n%s\n%s\n\n", r.ID, r.Severity, r.Title.Zh, r.Title.En)
	fmt.Fprintf(out, "%s\n  %s\n\n", text.Pick(l, "What it checks", "检查内容"), r.Description.In(l))
	fmt.Fprintln(out, text.Pick(l, "Legal basis", "法律依据"))
	for _, id := range r.LegalBasis {
		p, ok := env.Law.Provision(id)
		if !ok {
			fmt.Fprintf(out, "  %s\n", id)
			continue
		}
		fmt.Fprintf(out, "  %s / %s  (%s)\n", p.Cite("zh"), p.Cite("en"), id)
		if p.QuoteZh != "" {
			fmt.Fprintf(out, "    「%s」\n", p.QuoteZh)
		}
		if p.SummaryZh != "" {
			fmt.Fprintf(out, "    %s\n", p.SummaryZh)
		}
		if p.SummaryEn != "" {
			fmt.Fprintf(out, "    %s\n", p.SummaryEn)
		}
		fmt.Fprintf(out, "    %s: %s\n", text.Pick(l, "verified", "核实程度"), verifiedText(l, p.Verified))
	}
	fmt.Fprintf(out, "\n%s\n  %s\n", text.Pick(l, "How to fix", "整改建议"), r.Remediation.In(l))
	if len(r.Needs) > 0 {
		fmt.Fprintf(out, "\n%s: %s\n", text.Pick(l, "Needs input", "所需输入"), strings.Join(r.Needs, ", "))
	}
	switch {
	case r.Condition != "":
		fmt.Fprintf(out, "%s: %s\n", text.Pick(l, "Condition (CEL)", "条件（CEL）"), strings.TrimSpace(r.Condition))
		if r.ForEach != "" {
			fmt.Fprintf(out, "%s: %s\n", text.Pick(l, "For each", "逐项"), r.ForEach)
		}
		if r.Subject != "" {
			fmt.Fprintf(out, "%s: %s\n", text.Pick(l, "Subject", "对象"), r.Subject)
		}
	case r.Check != "":
		fmt.Fprintf(out, "%s: %s\n", text.Pick(l, "Check", "检查器"), r.Check)
	}
	fmt.Fprintf(out, "%s: %s\n", text.Pick(l, "Defined in", "定义来源"), r.Source)
}

func verifiedText(lang, v string) string {
	switch v {
	case "V":
		return text.Pick(lang, "V — checked against the full text", "V — 已对照全文核实")
	case "R":
		return text.Pick(lang, "R — from a reprint of the official text", "R — 依据官方文本的转载")
	case "M":
		return text.Pick(lang, "M — unverified; check the official source before relying on it", "M — 未核实；引用前请对照官方来源")
	}
	return v
}

func newAppTypesCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "app-types",
		Short: "List the 39 app types of the necessary-PI provisions and their necessary PI",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			env, err := loadEnv(g, nil)
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(g.stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(w, text.Pick(g.lang, "ID\tNAME\tNECESSARY PI", "编号\t名称\t必要个人信息"))
			for _, t := range env.Law.AppTypes() {
				name := t.NameEn
				if g.lang == "zh" {
					name = t.NameZh
				}
				var keys []string
				for _, n := range t.NecessaryPI {
					keys = append(keys, n.Key)
				}
				nec := strings.Join(keys, ", ")
				if t.NoPIRequired {
					nec = text.Pick(g.lang, "(none: the basic function needs no PI)", "（无：基本功能无需个人信息）")
				}
				fmt.Fprintf(w, "%s\t%s\t%s\n", t.ID, name, nec)
			}
			return w.Flush()
		},
	}
}

func newSDKsCmd(g *globals) *cobra.Command {
	var grep string
	cmd := &cobra.Command{
		Use:   "sdks",
		Short: "List the SDK signatures hegui knows",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			env, err := loadEnv(g, nil)
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(g.stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(w, text.Pick(g.lang, "ID\tNAME\tVENDOR\tCOUNTRY\tCATEGORIES", "编号\t名称\t厂商\t国家\t类别"))
			for _, s := range env.Catalog.SDKs() {
				line := fmt.Sprintf("%s\t%s\t%s\t%s\t%s", s.ID, s.Name, s.Vendor, s.Country, strings.Join(s.Categories, ","))
				if grep != "" && !strings.Contains(strings.ToLower(line+s.NameZh), strings.ToLower(grep)) {
					continue
				}
				fmt.Fprintln(w, line)
			}
			return w.Flush()
		},
	}
	cmd.Flags().StringVar(&grep, "grep", "", "only SDKs whose line contains this text")
	return cmd
}
