package catalog

import "testing"

func TestMatchLibrary(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"androidx.appcompat.app.TwilightManager":            "androidx",
		"android.support.v7.app.TwilightManager":            "android.support",
		"io.reactivex.android.schedulers.AndroidSchedulers": "io.reactivex.android",
		"rx.Observable":                "rx",
		"rxjava.Foo":                   "",
		"com.google.gsonx.Foo":         "",
		"okhttp3.OkHttpClient":         "okhttp3",
		"com.example.app.MainActivity": "",
		"kotlinx.coroutines.Job":       "kotlinx",
		"kotlin":                       "kotlin",
	} {
		l, ok := c.MatchLibrary(name)
		if got := map[bool]string{true: l.Prefix, false: ""}[ok]; got != want {
			t.Errorf("MatchLibrary(%q) = %q, want %q", name, got, want)
		}
	}
}
