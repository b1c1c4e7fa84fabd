package text

import "testing"

func TestIn(t *testing.T) {
	both := New("Camera", "相机")
	for _, c := range []struct {
		t    Text
		lang string
		want string
	}{
		{both, "zh", "相机"}, {both, "zh_CN.UTF-8", "相机"}, {both, "ZH-tw", "相机"}, {both, "en", "Camera"}, {both, "", "Camera"},
		{New("", "相机"), "en", "相机"}, {New("Camera", ""), "zh", "Camera"},
	} {
		if got := c.t.In(c.lang); got != c.want {
			t.Errorf("%+v.In(%q) = %q, want %q", c.t, c.lang, got, c.want)
		}
	}
	if Pick("zh", "a", "甲") != "甲" || Pick("en", "a", "甲") != "a" {
		t.Error("Pick")
	}
}
