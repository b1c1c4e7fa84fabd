package apk

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Work handed to a thread at start-up (a Runnable made in
// Application.onCreate) is reached; a listener made there is not (it runs
// on a user action). testdata/async/build.sh rebuilds async.dex.
func TestStartupFollowsRunnables(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "async", "async.dex"))
	if err != nil {
		t.Fatal(err)
	}
	a := newAnalyzer(t)
	u := a.analyzeDexBytes(context.Background(), "async.dex", data, "com.example.async")
	ci := &codeIndex{units: []*unit{u}}
	parent, err := ci.reach(context.Background(), []string{"com.example.async.App"})
	if err != nil {
		t.Fatal(err)
	}
	reached := map[string]bool{}
	for r := range parent {
		nd := u.nodes[r.n]
		reached[javaName(u.classes[nd.cls].desc)+"."+u.names[nd.name]] = true
	}
	if !reached["com.example.async.InitTask.run()V"] {
		t.Errorf("the Runnable started from onCreate is not reached: %v", reached)
	}
	if reached["com.example.async.Click.onClick(Landroid/view/View;)V"] {
		t.Error("a click listener is reached as if it ran at start-up")
	}
	if reached["com.example.async.Later.run()V"] {
		t.Error("a Runnable only stored (to run later) is reached as if it ran at start-up")
	}
	var startup bool
	for _, h := range u.hits {
		nd := u.nodes[h.node]
		if _, ok := parent[ref{0, h.node}]; ok && javaName(u.classes[nd.cls].desc) == "com.example.async.InitTask" {
			startup = true
		}
	}
	if !startup {
		t.Error("the IMEI read in the Runnable is not on the start-up path")
	}
}

// A walk that reaches its bound says so instead of calling the rest
// unreachable.
func TestReachSaysWhereItStopped(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "async", "async.dex"))
	if err != nil {
		t.Fatal(err)
	}
	u := newAnalyzer(t).analyzeDexBytes(context.Background(), "async.dex", data, "com.example.async")
	ci := &codeIndex{units: []*unit{u}, limit: 1}
	if _, err := ci.reach(context.Background(), []string{"com.example.async.App"}); err != nil {
		t.Fatal(err)
	}
	if !ci.cut {
		t.Error("a walk bounded at one method did not say it was cut")
	}
	ci = &codeIndex{units: []*unit{u}}
	if _, err := ci.reach(context.Background(), []string{"com.example.async.App"}); err != nil || ci.cut {
		t.Errorf("an unbounded walk of a small app was cut (%v)", err)
	}
}

// A branch on the consent flag gates the code on its agreed side only:
// a call after the paths merge runs before consent all the same.
func TestConsentGateRegion(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "async", "async.dex"))
	if err != nil {
		t.Fatal(err)
	}
	u := newAnalyzer(t).analyzeDexBytes(context.Background(), "async.dex", data, "com.example.async")
	reachedFrom := func(method string) map[string]bool {
		ci := &codeIndex{units: []*unit{u}}
		parent, err := ci.reachFrom(context.Background(), []string{"com.example.async.Gates"}, map[string]bool{method: true})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for r := range parent {
			nd := u.nodes[r.n]
			out[javaName(u.classes[nd.cls].desc)+"."+methodName(u.names[nd.name])] = true
		}
		return out
	}
	if got := reachedFrom("gated()V"); got["com.example.async.Later.run"] {
		t.Errorf("the call skipped unless consent was given is reached: %v", got)
	}
	if got := reachedFrom("logOnly()V"); !got["com.example.async.InitTask.run"] {
		t.Errorf("the call after the merge is taken as gated: %v", got)
	}
}

// The permissions of a request whose array is made by filled-new-array (as
// R8 emits it) are known.
func TestPermissionNamesFromFilledArray(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "async", "async.dex"))
	if err != nil {
		t.Fatal(err)
	}
	u := newAnalyzer(t).analyzeDexBytes(context.Background(), "async.dex", data, "com.example.async")
	for _, h := range u.hits {
		if h.api.Purpose == "permission_request" {
			if got := strings.Join(h.perms, ","); got != "android.permission.CAMERA,android.permission.READ_CONTACTS" {
				t.Errorf("permissions %q", got)
			}
			return
		}
	}
	t.Fatal("no permission request found")
}

// A call that names the caller's class but reaches a method its superclass
// defines (this.helper()) is followed to that definition, in the same dex
// or another; an override in a subclass the app does not run is not.
func TestReachFollowsInheritedMethods(t *testing.T) {
	a := newAnalyzer(t)
	var units []*unit
	for _, name := range []string{"a.dex", "b.dex"} {
		data, err := os.ReadFile(filepath.Join("testdata", "inherit", name))
		if err != nil {
			t.Fatal(err)
		}
		units = append(units, a.analyzeDexBytes(context.Background(), name, data, "com.example.inherit"))
	}
	ci := &codeIndex{units: units}
	parent, err := ci.reach(context.Background(), []string{"com.example.inherit.ChildApp"})
	if err != nil {
		t.Fatal(err)
	}
	reached := map[string]bool{}
	for r := range parent {
		u := units[r.u]
		nd := u.nodes[r.n]
		reached[javaName(u.classes[nd.cls].desc)+"."+methodName(u.names[nd.name])] = true
	}
	for _, want := range []string{"com.example.inherit.MidApp.helper", "com.example.inherit.BaseApp.startSdks"} {
		if !reached[want] {
			t.Errorf("%s (inherited, called as this.%s) is not reached: %v", want, want[strings.LastIndexByte(want, '.')+1:], reached)
		}
	}
	if reached["com.example.inherit.GrandApp.startSdks"] {
		t.Error("a subclass's override is reached though the app's object is not of that class")
	}
}
