package rules

import (
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/hegui/hegui/internal/evidence"
)

// Android findings are grouped by cause: one finding per party (an SDK, or
// the app itself) per rule, listing the PI types, with its strongest
// evidence first. One SDK initialised in Application.onCreate is one
// finding, not one per PI type it reads.

// SubjectApp is the subject of findings about the app's own code.
const SubjectApp = "app"

// partyOf names the party of an observation: an SDK id, or SubjectApp.
func partyOf(o evidence.Observation) string {
	if o.Party.SDK != "" {
		return o.Party.SDK
	}
	return SubjectApp
}

// byParty groups observations into one match per party, each listing its
// PI types and with its evidence ranked (see rank).
func (env *Env) byParty(obs []evidence.Observation) []Match {
	ms := groupBy(obs, partyOf)
	for i := range ms {
		m := &ms[i]
		env.rank(m.Evidence)
		m.Detail = map[string]string{"data_types": strings.Join(distinctKeys(m.Evidence), ",")}
		if m.Subject != SubjectApp {
			m.Detail["sdk"] = m.Subject
			if sdk, ok := env.Catalog.SDK(m.Subject); ok {
				m.Detail[evidence.DetailSDKName] = sdk.Name
				m.Detail[evidence.DetailVendor] = sdk.Vendor
			}
		}
		if p := m.Evidence[0].Attr(evidence.DetailStartupPath); p != "" {
			m.Detail["startup_path"] = p
		}
	}
	return ms
}

// rank orders evidence strongest first: observed before referenced before
// declared; reached at start-up before not; a shorter start-up path (the
// most direct cause) before a longer one; identifiers, sensitive PI and
// enumerations (installed apps, contacts) before single device facts; then
// by key and place, so the order is stable.
func (env *Env) rank(obs []evidence.Observation) {
	weight := func(o evidence.Observation) int {
		t, ok := env.Catalog.DataType(o.Key)
		switch {
		case !ok:
			return 0
		case t.Sensitive:
			return 3
		case t.Identifier, t.Category == "device_usage", t.Category == "communication":
			return 2
		case t.Category == "location":
			return 2
		}
		return 1
	}
	hops := func(o evidence.Observation) int {
		p := o.Attr(evidence.DetailStartupPath)
		if p == "" {
			return 1 << 20
		}
		return strings.Count(p, "→") + strings.Count(p, "->")
	}
	sort.SliceStable(obs, func(i, j int) bool {
		a, b := obs[i], obs[j]
		if a.Level.Rank() != b.Level.Rank() {
			return a.Level.Rank() > b.Level.Rank()
		}
		if ha, hb := hops(a), hops(b); ha != hb {
			return ha < hb
		}
		if wa, wb := weight(a), weight(b); wa != wb {
			return wa > wb
		}
		if a.Key != b.Key {
			return a.Key < b.Key
		}
		return a.Where.String() < b.Where.String()
	})
}

// unguarded returns the runtime permissions that guard a PI type read by
// code when the app declares none of them: the platform then returns
// nothing, and the read is at most a weak signal. It returns nil for reads
// the app can make, for run-time observations (seen, so real), and when
// the manifest could not be read (no verdict either way).
func (env *Env) unguarded(o evidence.Observation) []string {
	if o.Kind != evidence.DataType || o.Level != evidence.Referenced || !env.Set.HasInput(evidence.InputAndroid) {
		return nil
	}
	for _, e := range env.Set.Errors {
		if e.Part == evidence.PartManifest || e.Part == evidence.PartInput {
			return nil
		}
	}
	t, ok := env.Catalog.DataType(o.Key)
	if !ok || len(t.GuardedBy) == 0 {
		return nil
	}
	if env.run.declared == nil {
		env.run.declared = map[string]bool{}
		for _, p := range env.Set.Of(evidence.Permission) {
			env.run.declared[p.Key] = true
		}
	}
	if slices.ContainsFunc(t.GuardedBy, func(p string) bool { return env.run.declared[p] }) {
		return nil
	}
	return t.GuardedBy
}

// codeReads returns the PI the package's code reads (or run-time evidence
// saw), leaving out reads the app holds no permission for, and re-typing
// reads that give a lesser type with the permissions the app holds (a
// precise-location read with only ACCESS_COARSE_LOCATION is a coarse one).
func (env *Env) codeReads() []evidence.Observation {
	var out []evidence.Observation
	for _, o := range env.Set.Observations {
		if o.Kind != evidence.DataType || o.Level.Rank() < evidence.Referenced.Rank() {
			continue
		}
		if env.unguarded(o) == nil {
			out = append(out, o)
		} else if d, ok := env.degraded(o); ok {
			out = append(out, d)
		}
	}
	return out
}

// degraded returns an unguarded read as the lesser type the app's
// permissions give it, if any.
func (env *Env) degraded(o evidence.Observation) (evidence.Observation, bool) {
	t, ok := env.Catalog.DataType(o.Key)
	if !ok || t.DegradesTo == "" {
		return o, false
	}
	d := o
	d.Key = t.DegradesTo
	if env.unguarded(d) != nil {
		return o, false
	}
	d.Detail = maps.Clone(o.Detail)
	if d.Detail == nil {
		d.Detail = map[string]string{}
	}
	d.Detail["degraded_from"] = o.Key
	return d, true
}
