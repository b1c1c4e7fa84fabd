package policy

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// The embedded model reads, and classifies paragraphs of real policies
// (testdata/appcorp.txt, whose categories the corpus gives) as the
// corpus does.
func TestSectionModel(t *testing.T) {
	m, err := LoadSectionModel()
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Classes) != len(Sections) || len(m.Weights) < 1000 {
		t.Fatalf("%d classes, %d features", len(m.Classes), len(m.Weights))
	}
	for text, want := range map[string]string{
		"We do not collect information from children under 13 . If we learn that we have collected personal information of a child under 13 , we will delete it .":                                                                                                                                                                   "Specific_Audiences",
		"We may feature advertising within our Service . The advertisers may collect and use information about you , such as your Service session activity , device identifier , MAC address , IMEI , IDFA , geo-location information and IP address . They may use this information to provide advertisements of interest to you .": "Third_Party_Share_and_Collection",
		"We may update this Privacy Policy from time to time . We will notify you of any changes by posting the new Privacy Policy on this page .":                                                                                                                                                                                   "Policy_Change",
		"We retain your personal information only for as long as necessary to provide the Service , and delete it within 30 days after you close your account .":                                                                                                                                                                     "Data_Retention",
		"If you have any questions about this Privacy Policy , please contact us at privacy@example.com .":                                                                                                                                                                                                                           "Policy_Contact_Information",
	} {
		if got, p := m.Classify(text); got != want {
			t.Errorf("%q: %s (%.2f), want %s", text, got, p, want)
		}
	}
	// Marshal and parse give the same model.
	m2, err := ParseSectionModel(m.Marshal())
	if err != nil || len(m2.Weights) != len(m.Weights) {
		t.Fatalf("round trip: %v, %d features", err, len(m2.Weights))
	}
}

// On the held-out folds (when ../shared is beside the project), the model
// keeps at least the README's figure.
func TestSectionsHeldOutFloor(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "reference", "datasets", "appcorp")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("APPCorp is not beside the project")
	}
	m, err := LoadSectionModel()
	if err != nil {
		t.Fatal(err)
	}
	var ps []Paragraph
	for _, n := range []int{7, 8} {
		b, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("part_%d.txt", n)))
		if err != nil {
			t.Fatal(err)
		}
		p, err := ParseAPPCorp(b)
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p...)
	}
	s := m.EvaluateSections(ps)
	if macro := s[len(s)-1].F1; macro < 0.77 {
		t.Errorf("macro F1 %.3f on parts 7-8, below 0.77", macro)
	}
}

// ParseSectionModel refuses a damaged model instead of guessing.
func TestSectionModelDamaged(t *testing.T) {
	for _, b := range []string{"", "hegui-sections 2\n", "hegui-sections 1\nclasses a b\nbias 0.1\n", "hegui-sections 1\nclasses a\nbias 0\nword\t7:1.0\n"} {
		if _, err := ParseSectionModel([]byte(b)); err == nil {
			t.Errorf("%q: no error", b)
		}
	}
}

// An English paragraph whose words name no item is placed by the
// classifier: "we keep … for as long as your account is active" states a
// retention period.
func TestClassifiedItems(t *testing.T) {
	m, err := LoadSectionModel()
	if err != nil {
		t.Fatal(err)
	}
	text := "Privacy Policy\n\nWe collect your email address when you register.\n\nWe keep the information we collect for as long as your account is active, and for ninety days after you close it.\n"
	d, err := Read(context.Background(), []byte(text), "en.txt", DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, st := range Classified(d, Sentences(d), m) {
		got = append(got, st.Key+"="+st.Section)
	}
	if !slices.Equal(got, []string{"retention=Data_Retention"}) {
		t.Errorf("classified statements %v", got)
	}
	// Chinese text is left to the lexicon.
	zh, _ := Read(context.Background(), []byte("我们会在您注销账号后十五个工作日内删除您的个人信息，保存期限为实现目的所必需的最短时间。\n"), "zh.txt", DefaultLimits())
	if sts := Classified(zh, Sentences(zh), m); len(sts) > 0 {
		t.Errorf("Chinese paragraph classified: %+v", sts)
	}
}
