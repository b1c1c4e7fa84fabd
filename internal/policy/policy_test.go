package policy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"

	"github.com/hegui/hegui/data"
	"github.com/hegui/hegui/internal/catalog"
	"github.com/hegui/hegui/internal/evidence"
)

func lexicon(tb testing.TB) *Lexicon {
	tb.Helper()
	cat, err := catalog.Load()
	if err != nil {
		tb.Fatal(err)
	}
	l, err := LoadLexicon(cat)
	if err != nil {
		tb.Fatal(err)
	}
	if err := l.LoadTaggerModels(); err != nil {
		tb.Fatal(err)
	}
	return l
}

// read reads a test input and returns the document and its statements.
func read(tb testing.TB, l *Lexicon, name string) (*Doc, []Statement) {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return readBytes(tb, l, b, name)
}

func readBytes(tb testing.TB, l *Lexicon, b []byte, name string) (*Doc, []Statement) {
	tb.Helper()
	d, err := Read(context.Background(), b, name, DefaultLimits())
	if err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	sents := Sentences(d)
	checkSpans(tb, d, sents)
	return d, l.Extract(sents)
}

// checkSpans holds every sentence's offsets to the document text.
func checkSpans(tb testing.TB, d *Doc, sents []Sentence) {
	tb.Helper()
	text := []rune(d.Text)
	for _, s := range sents {
		if s.Start < 0 || s.End > len(text) || s.Start > s.End || string(text[s.Start:s.End]) != s.Text {
			tb.Fatalf("sentence %q at [%d,%d) does not match the text there", s.Text, s.Start, s.End)
		}
	}
}

func find(sts []Statement, key string, pred func(Statement) bool) []Statement {
	var out []Statement
	for _, s := range sts {
		if s.Key == key && (pred == nil || pred(s)) {
			out = append(out, s)
		}
	}
	return out
}

func hasType(t string) func(Statement) bool {
	return func(s Statement) bool { return slices.Contains(s.DataTypes, t) }
}

// A real policy's SDK list written as labelled text: each "第三方SDK名称："
// gives a name, and the "、" list names several.
func TestSDKListAsLabelledText(t *testing.T) {
	l := lexicon(t)
	_, sts := read(t, l, "ca4p/raw/0506.html")
	var names []string
	for _, s := range find(sts, evidence.ClaimSDK, nil) {
		names = append(names, s.Name)
	}
	for _, want := range []string{"个推", "商汤", "高德地图", "广点通", "之行传媒SSP", "雷动广告", "淘宝直播", "appic", "讯飞", "腾讯广点通SDK"} {
		if !slices.Contains(names, want) {
			t.Errorf("SDK %q not read from the list; got %q", want, names)
		}
	}
}

// "若您不向我们授权，我们将不会收集您的精确位置信息" is a conditional
// collection, not a denial; "不会读取和存储您的全部通讯录信息" denies only
// the whole address book (the same sentence reads chosen numbers).
func TestDenialsThatAreNotDenials(t *testing.T) {
	l := lexicon(t)
	_, sts := read(t, l, "ca4p/raw/0506.html")
	if got := find(sts, evidence.ClaimNotCollects, hasType("precise_location")); len(got) > 0 {
		t.Errorf("a conditional denial read as a denial: %q", got[0].Sentence.Text)
	}
	if len(find(sts, evidence.ClaimCollects, func(s Statement) bool { return hasType("precise_location")(s) && s.Conditional })) == 0 {
		t.Error("the precise location, collected once the user allows it, is not a conditional collection")
	}
	_, sts = read(t, l, "ca4p/raw/0690.html")
	if got := find(sts, evidence.ClaimNotCollects, hasType("contacts")); len(got) > 0 {
		t.Errorf("a partial denial read as a denial: %q", got[0].Sentence.Text)
	}
}

// The items PIPL Art. 17 asks for, in a real policy, with their sections.
func TestArticle17Items(t *testing.T) {
	l := lexicon(t)
	_, sts := read(t, l, "../../../testdata/policies/ca4p-0496.html")
	for _, key := range []string{"handler_identity", "account_deletion", "complaint_channel", "rights", "consent_withdrawal"} {
		if len(find(sts, key, nil)) == 0 {
			t.Errorf("%s not found", key)
		}
	}
	contact := find(sts, "complaint_channel", func(s Statement) bool { return strings.Contains(s.Sentence.Text, "客服邮箱") })
	if len(contact) == 0 || contact[0].Sentence.Section != "九、如何联系我们" {
		t.Errorf("the contact sentence is not found under 九、如何联系我们: %+v", contact)
	}
	handler := find(sts, "handler_identity", nil)
	if len(handler) == 0 || !strings.Contains(handler[0].Sentence.Text, "安化威通科技有限公司") {
		t.Errorf("the handler is not the company named first: %+v", handler)
	}
	// Collection with its condition and section.
	phone := find(sts, evidence.ClaimCollects, hasType("phone_number"))
	if len(phone) == 0 || phone[0].Sentence.Section != "一、我们如何收集和使用个人信息" {
		t.Errorf("the phone number is not collected under 一、我们如何收集和使用个人信息: %+v", phone)
	}
	// A title names a topic and states nothing.
	for _, s := range find(sts, evidence.ClaimCollects, nil) {
		if s.Sentence.Title {
			t.Errorf("a title read as a statement: %q", s.Sentence.Text)
		}
	}
}

// English statements: a plain denial, a denial with an exception (which
// is a collection), and third parties' collection.
func TestEnglishStatements(t *testing.T) {
	l := lexicon(t)
	_, sts := read(t, l, "appcorp.txt")
	if len(find(sts, evidence.ClaimNotCollects, hasType("minor_info"))) == 0 {
		t.Error(`"We do not collect information from children under 13" is not a denial`)
	}
	for _, typ := range []string{"idfa", "ip_address", "advertising_id"} {
		if got := find(sts, evidence.ClaimNotCollects, hasType(typ)); len(got) > 0 {
			t.Errorf("%s denied in %q (the sentence makes an exception of it, or denies from afar)", typ, got[0].Sentence.Text)
		}
	}
	for _, typ := range []string{"mac_address", "device_id_imei", "idfa", "location", "ip_address"} {
		if len(find(sts, evidence.ClaimCollects, hasType(typ))) == 0 {
			t.Errorf("%s not read as collected", typ)
		}
	}
}

// HTML structure: headings make sections, a table's rows keep their
// cells, script and style are not text, entities are decoded, and a GBK
// page (declared) reads as the same text as its UTF-8 form.
func TestHTMLStructureAndEncodings(t *testing.T) {
	l := lexicon(t)
	page := `<!DOCTYPE html><html><head><meta charset="%s"><title>示例隐私政策</title><style>p{color:red}</style></head><body>
<h1>隐私政策</h1><p>生效日期：2026年3月1日</p>
<h2>一、我们如何收集和使用您的个人信息</h2>
<p>当您使用打车功能时，我们会收集您的<b>精确位置</b>信息&amp;行程信息。</p>
<script>var imei = "不会收集您的通讯录";</script>
<h2>二、第三方SDK目录</h2>
<table><tr><th>SDK名称</th><th>第三方公司名称</th><th>收集个人信息类型</th></tr>
<tr><td>高德定位SDK</td><td>高德软件有限公司</td><td>位置信息、设备标识符</td></tr>
<tr><td>极光推送SDK</td><td>深圳市和讯华谷信息技术有限公司</td><td>设备信息、IP地址</td></tr></table>
<h2>三、如何联系我们</h2><ul><li>如您对本政策有任何投诉，可发送邮件至 privacy@example.cn 联系我们。</li></ul>
</body></html>`
	utf := []byte(strings.Replace(page, "%s", "utf-8", 1))
	d, sts := readBytes(t, l, utf, "policy.html")
	if d.Format != "html" || d.Title != "示例隐私政策" {
		t.Errorf("format %q title %q", d.Format, d.Title)
	}
	if strings.Contains(d.Text, "var imei") || strings.Contains(d.Text, "color:red") {
		t.Error("script or style kept as text")
	}
	loc := find(sts, evidence.ClaimCollects, hasType("precise_location"))
	if len(loc) == 0 || loc[0].Sentence.Section != "一、我们如何收集和使用您的个人信息" || !loc[0].Conditional || !strings.Contains(loc[0].Sentence.Text, "&行程信息") {
		t.Errorf("location statement: %+v", loc)
	}
	sdks := find(sts, evidence.ClaimSDK, nil)
	if len(sdks) > 0 && !slices.Equal(sdks[0].Sentence.Cells, []string{"高德定位SDK", "高德软件有限公司", "位置信息、设备标识符"}) {
		t.Errorf("row cells %q", sdks[0].Sentence.Cells)
	}
	if len(sdks) != 2 || sdks[0].Name != "高德定位SDK" || sdks[0].Vendor != "高德软件有限公司" || !slices.Contains(sdks[0].DataTypes, "location") || !slices.Contains(sdks[0].DataTypes, "android_id") ||
		sdks[1].Name != "极光推送SDK" || !slices.Contains(sdks[1].DataTypes, "ip_address") {
		t.Errorf("SDK table rows: %+v", sdks)
	}
	if len(find(sts, "complaint_channel", nil)) == 0 || len(find(sts, "effective_date", nil)) == 0 {
		t.Error("contact or effective date not found")
	}
	if len(find(sts, evidence.ClaimNotCollects, nil)) > 0 {
		t.Error("text inside <script> read as a statement")
	}

	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(strings.Replace(page, "%s", "gbk", 1)))
	if err != nil {
		t.Fatal(err)
	}
	dg, _ := readBytes(t, l, gbk, "policy.html")
	if dg.Text != d.Text || dg.Encoding != "gbk" {
		t.Errorf("GBK page: encoding %q, text differs: %v", dg.Encoding, dg.Text != d.Text)
	}
	// Undeclared GBK is sniffed as GB18030.
	gbkPlain, _ := simplifiedchinese.GBK.NewEncoder().Bytes([]byte("我们会收集您的手机号码。\n"))
	dp, sp := readBytes(t, l, gbkPlain, "policy.txt")
	if dp.Encoding != "gb18030" || len(find(sp, evidence.ClaimCollects, hasType("phone_number"))) == 0 {
		t.Errorf("undeclared GBK text: encoding %q, statements %+v", dp.Encoding, sp)
	}
	// UTF-16 with a byte-order mark.
	u16, _ := xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM).NewEncoder().Bytes(utf)
	d16, _ := readBytes(t, l, u16, "policy.html")
	if d16.Text != d.Text || d16.Encoding != "utf-16le" {
		t.Errorf("UTF-16 page: encoding %q", d16.Encoding)
	}
	// GBK bytes declared as a Latin charset (in which every byte
	// decodes) are read as GB18030, and said.
	latinDecl := []byte(strings.Replace(page, "%s", "iso-8859-1", 1))
	latinDecl, _ = simplifiedchinese.GBK.NewEncoder().Bytes(latinDecl)
	dl, _ := readBytes(t, l, latinDecl, "policy.html")
	if dl.Text != d.Text || len(dl.Notes) == 0 || len(dl.Problems) > 0 {
		t.Errorf("GBK declared as ISO-8859-1: encoding %q, notes %v, problems %v", dl.Encoding, dl.Notes, dl.Problems)
	}
	// A declaration the bytes contradict is overruled and said.
	wrong := []byte(strings.Replace(page, "%s", "gb2312", 1))
	dw, _ := readBytes(t, l, wrong, "policy.html")
	if dw.Text != d.Text || len(dw.Notes) == 0 || len(dw.Problems) > 0 {
		t.Errorf("UTF-8 declared as GB2312: notes %v, problems %v (nothing was lost)", dw.Notes, dw.Problems)
	}
}

// Hostile inputs: a clear error or a bounded, partial read, never a hang.
func TestHostileInputs(t *testing.T) {
	ctx := context.Background()
	garbage := bytes.Repeat([]byte{0x00, 0x01, 0xfe, 0x9c, 0x12, 0x88}, 5000)
	if _, err := Read(ctx, garbage, "policy.html", DefaultLimits()); !errors.Is(err, ErrNotText) {
		t.Errorf("binary data named .html: %v, want ErrNotText", err)
	}
	if _, err := Read(ctx, make([]byte, DefaultLimits().MaxInput+1), "big.html", DefaultLimits()); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("an input over the limit: %v", err)
	}
	deep := strings.Repeat("<div><span>", 100_000) + "我们会收集您的位置信息。" + strings.Repeat("</span></div>", 100_000)
	start := time.Now()
	d, err := Read(ctx, []byte("<html><body>"+deep), "deep.html", DefaultLimits())
	if err != nil || !strings.Contains(d.Text, "位置信息") {
		t.Fatalf("100,000-deep nesting: %v", err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("100,000-deep nesting took %s", el)
	}
	// Over the text limit: cut, said, and the start kept.
	lim := DefaultLimits()
	lim.MaxText = 4096
	long := strings.Repeat("<p>我们会收集您的手机号码。</p>", 2000)
	d, err = Read(ctx, []byte("<html>"+long), "long.html", lim)
	if err != nil || len(d.Problems) == 0 || len(d.Text) > lim.MaxText || !strings.Contains(d.Text, "手机号码") {
		t.Errorf("a page over the text limit: err %v, problems %v, %d bytes kept", err, d.Problems, len(d.Text))
	}
}

// A PDF is read through pdftotext; without it, or without a text layer,
// the error says so instead of "no policy".
func TestPDF(t *testing.T) {
	pdf := []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
	_, err := Read(context.Background(), pdf, "policy.pdf", DefaultLimits())
	if _, lerr := exec.LookPath("pdftotext"); lerr != nil {
		if !errors.Is(err, ErrNoPDFReader) {
			t.Errorf("no pdftotext: %v, want ErrNoPDFReader", err)
		}
		return
	}
	if err == nil || !(errors.Is(err, ErrNoText) || strings.Contains(err.Error(), "pdftotext")) {
		t.Errorf("a PDF without text: %v, want ErrNoText", err)
	}
}

// minimalPDF returns a one-page PDF whose text layer holds lines (ASCII,
// Helvetica), with a correct cross-reference table.
func minimalPDF(lines []string) []byte {
	var content strings.Builder
	content.WriteString("BT /F1 10 Tf 20 180 Td 12 TL\n")
	for _, l := range lines {
		content.WriteString("(" + strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`).Replace(l) + ") Tj T*\n")
	}
	content.WriteString("ET\n")
	objs := []string{
		"<</Type/Catalog/Pages 2 0 R>>",
		"<</Type/Pages/Kids[3 0 R]/Count 1>>",
		"<</Type/Page/Parent 2 0 R/MediaBox[0 0 600 200]/Resources<</Font<</F1 4 0 R>>>>/Contents 5 0 R>>",
		"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
		"<</Length " + strconv.Itoa(content.Len()) + ">>\nstream\n" + content.String() + "endstream",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// A PDF's text layer is read through pdftotext (skipped without it).
func TestPDFText(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) is not installed")
	}
	l := lexicon(t)
	d, sts := readBytes(t, l, minimalPDF([]string{"Privacy Policy", "We collect your IP address and device identifiers to secure your account.", "You can delete your account in Settings."}), "policy.pdf")
	if d.Format != "pdf" || len(find(sts, evidence.ClaimCollects, hasType("ip_address"))) == 0 || len(find(sts, "account_deletion", nil)) == 0 {
		t.Errorf("PDF: format %q, text %q, statements %+v", d.Format, d.Text, sts)
	}
}

// The handling time of a deletion or complaint statement is kept.
func TestTimeLimit(t *testing.T) {
	l := lexicon(t)
	_, sts := read(t, l, "../../../testdata/apks/src/policyapp/assets/privacy.html")
	del := find(sts, "account_deletion", func(s Statement) bool { return s.TimeLimit != "" })
	com := find(sts, "complaint_channel", func(s Statement) bool { return s.TimeLimit != "" })
	if len(del) == 0 || del[0].TimeLimit != "15个工作日" || len(com) == 0 || com[0].TimeLimit != "15个工作日" {
		t.Errorf("time limits: deletion %+v, complaint %+v", del, com)
	}
	if got := timeLimit("We will respond within 30 days of your request."); got != "30 days" {
		t.Errorf("English time limit %q", got)
	}
}

// Documents an app bundles that are about a policy but not its policy:
// a consent dialog, an FAQ, an SDK vendor's own policy. Only the app's
// policy is read as such.
func TestBundledDocumentsThatAreNotThePolicy(t *testing.T) {
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	a := New(cat)
	body := strings.Repeat("<p>我们会收集您的手机号码，用于注册账号和验证身份；您可以在设置中注销账号，我们将在15个工作日内删除您的个人信息。</p>", 20)
	page := func(title string) []byte {
		return []byte("<html><head><title>" + title + "</title></head><body><h1>" + title + "</h1>" + body + "</body></html>")
	}
	for _, c := range []struct {
		file string
		data []byte
		want bool
	}{
		{"assets/privacy.html", page("示例应用隐私政策"), true},
		{"assets/policy.html", page("示例应用个人信息保护指引"), true},
		{"assets/privacy_dialog.html", []byte("<p>请您阅读《用户协议》和《隐私政策》，点击同意即表示您已阅读并同意。</p>"), false},
		{"assets/privacy_faq.html", page("隐私政策常见问题"), false},
		{"assets/umeng_privacy.html", page("友盟+隐私权政策"), false},
		{"assets/user_agreement.html", page("用户服务协议"), false},
	} {
		_, _, ok, err := a.Claims(context.Background(), c.data, c.file)
		if err != nil || ok != c.want {
			t.Errorf("%s: read as the app's policy %v (err %v), want %v", c.file, ok, err, c.want)
		}
	}
}

// A policy in Traditional Chinese is read but not understood: its
// statements are not extracted and the loss is said, so no item is
// judged missing from it.
func TestTraditionalChinese(t *testing.T) {
	text := strings.Repeat("本隱私權政策說明我們如何蒐集、使用您的個人資訊。您可以隨時刪除您的帳號或與我們聯絡。", 10)
	d, err := Read(context.Background(), []byte(text), "tw.txt", DefaultLimits())
	if err != nil || d.Script != "zh-Hant" {
		t.Fatalf("script %q, %v", d.Script, err)
	}
	sc, _ := Read(context.Background(), []byte(strings.Repeat("本隐私政策说明我们如何收集、使用您的个人信息。您可以随时删除您的账号或与我们联系。", 10)), "cn.txt", DefaultLimits())
	if sc.Script != "" {
		t.Errorf("Simplified Chinese taken for %q", sc.Script)
	}
}

// Sentences that look like denials and are not: a limit of purpose, time,
// default or scope, an exclusion, a look-alike negation, a question, a
// verb that is not taking the data. None may deny collection (HG-POL-010
// would charge the app with contradicting its policy).
func TestNotDenials(t *testing.T) {
	l := lexicon(t)
	for _, text := range []string{
		"我们不会将收集的位置信息用于与本服务无关的用途。",
		"我们不会将获取的通讯录信息用于营销推广。",
		"本公司不会将收集到的位置信息与您的账号相关联。",
		"We do not collect your location data for advertising purposes.",
		"我们不会在后台收集您的位置信息。",
		"用户同意隐私政策前，我们不会读取设备标识符。",
		"在获得您的同意之前，我们不会获取您的位置信息。",
		"我们不会在未获得您授权的情况下收集您的通讯录。",
		"默认情况下，我们不会收集您的精确位置信息。",
		"We will not collect your location data before you agree to this policy.",
		"注册时，我们不会收集除手机号码以外的任何信息。",
		"We do not collect more than your phone number.",
		"包括并不限于用户在平台上传的文字、图片、视频等信息。",
		"一键登录无需输入验证码即可读取本机号码。",
		"开启权限并不代表我们会读取您的通讯录。",
		"我们会不会收集您的通讯录？",
		"Not only do we collect your location, we also collect your IP address.",
		"我们不会存储您的位置信息。",
		"我们不会上传您的照片。",
		"我们不会出于任何恶意目的获取、保存用户的位置信息。",
		"This does not mean that we collect your contacts.",
		"我们不会擅自获取您的通讯录信息。",
		"We will not unlawfully collect your contacts.",
		"您拒绝授权后，我们不会读取您的通讯录。",
		"您注销账号后，我们不会再获取您的通话记录。",
		"You can choose not to grant access to your contacts.",
		"Some features do not require access to your contacts.",
		"本功能不会获取您的通讯录、短信及通话记录。",
		"该SDK不会获取您的通讯录信息。",
		"Our partners do not collect your contacts.",
		"我们不会收集您的通讯录信息。除非获得您的明确授权。",
	} {
		_, sts := readBytes(t, l, []byte(text+"\n"), "p.txt")
		if got := find(sts, evidence.ClaimNotCollects, nil); len(got) > 0 {
			t.Errorf("%q read as denying %v", text, got[0].DataTypes)
		}
	}
	for text, want := range map[string][]string{
		"我们不会收集您的通讯录、短信等信息。":                            {"contacts", "sms"},
		"We do not collect your contacts or call logs.": {"contacts", "call_log"},
		"我们仅接收验证结果，并不收集您的指纹信息。":                         {"fingerprint"},
	} {
		_, sts := readBytes(t, l, []byte(text+"\n"), "p.txt")
		got := find(sts, evidence.ClaimNotCollects, nil)
		if len(got) != 1 || !sameSet(got[0].DataTypes, want) {
			t.Errorf("%q: denials %+v, want %v", text, got, want)
		}
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

// Items stated in the words real policies use are found (a missed item is
// a false "missing" finding).
func TestItemsInRealWording(t *testing.T) {
	l := lexicon(t)
	for text, key := range map[string]string{
		"我们仅在本《隐私政策》所述目的所必需期间和法律法规要求的时限内保留您的个人信息。":                                  "retention",
		"您可以通过关闭设备上的相应权限来撤回授权。":                                                     "consent_withdrawal",
		"您可以在设置中关闭相应访问权限以取消相应授权。":                                                   "consent_withdrawal",
		"3、公司全称：上海二三四五移动科技有限公司。":                                                    "handler_identity",
		"如果您对本隐私政策有任何疑问，可以通过拨打我行95533客服热线与我们联系。":                                    "complaint_channel",
		"Questions about this policy? Email us at privacy@example.com.":             "complaint_channel",
		"You can withdraw your consent at any time by turning off location access.": "consent_withdrawal",
	} {
		_, sts := readBytes(t, l, []byte(text+"\n"), "p.txt")
		if len(find(sts, key, nil)) == 0 {
			t.Errorf("%q: %s not found", text, key)
		}
	}
	// A lead-in and the line it introduces state the channel together.
	_, sts := readBytes(t, l, []byte("如您对本政策有任何疑问，可通过以下方式与我们联系：\n电子邮箱：privacy@example.cn\n"), "p.txt")
	if len(find(sts, "complaint_channel", nil)) == 0 {
		t.Error("a contact lead-in and its line: no channel")
	}
}

// Every statement the lexicon defines is a claim key of the evidence
// vocabulary the rules read.
func TestStatementKeysAreVocabulary(t *testing.T) {
	known := map[string]bool{
		evidence.ClaimAccountDeletion: true, evidence.ClaimComplaint: true, evidence.ClaimSeparateConsent: true,
		evidence.ClaimMinors: true, evidence.ClaimPersonalization: true, evidence.ClaimPersonalizationOptOut: true,
		evidence.ClaimCrossBorder: true, evidence.ClaimRetention: true, evidence.ClaimHandler: true, evidence.ClaimRights: true,
		evidence.ClaimWithdrawal: true, evidence.ClaimUpdateNotice: true, evidence.ClaimEffectiveDate: true,
	}
	l := lexicon(t)
	if len(l.statements) < 10 {
		t.Fatalf("%d statements", len(l.statements))
	}
	for _, r := range l.statements {
		if !known[r.key] {
			t.Errorf("statement %q is not a claim key of internal/evidence/vocab.go", r.key)
		}
	}
	for _, key := range sectionItems {
		if !known[key] {
			t.Errorf("classified item %q is not a claim key", key)
		}
	}
}

// The lexicon cites declared sources only, and names PI types the catalog
// knows: a bad edit fails to load, naming the entry.
func TestLexiconChecks(t *testing.T) {
	b, err := data.FS.ReadFile("policy/lexicon.yaml")
	if err != nil {
		t.Fatal(err)
	}
	known := func(k string) bool { return k != "imsi" }
	if _, err := ParseLexicon(b, known); err == nil || !strings.Contains(err.Error(), "imsi") {
		t.Errorf("an unknown PI type: %v", err)
	}
	bad := bytes.Replace(b, []byte("source: [pi-types"), []byte("source: [nowhere"), 1)
	if _, err := ParseLexicon(bad, nil); err == nil || !strings.Contains(err.Error(), "nowhere") {
		t.Errorf("an undeclared source: %v", err)
	}
	if _, err := ParseLexicon(b, nil); err != nil {
		t.Errorf("the lexicon: %v", err)
	}
}

// A verification code sent by SMS names no PI the app collects; reading
// the user's messages does.
func TestNotPI(t *testing.T) {
	l := lexicon(t)
	_, sts := readBytes(t, l, []byte("您可以通过发送短信验证码的方式登录，我们会收集您的手机号码。\n"), "p.txt")
	if got := find(sts, evidence.ClaimCollects, hasType("sms")); len(got) > 0 {
		t.Errorf("a verification code read as collecting SMS: %q", got[0].Sentence.Text)
	}
	_, sts = readBytes(t, l, []byte("我们会读取您的短信以自动填写验证码。\n"), "p.txt")
	if len(find(sts, evidence.ClaimCollects, hasType("sms"))) == 0 {
		t.Error("reading the user's messages is not collecting SMS")
	}
}

// The first look at a bundled document reads its name and the start of
// its text, in UTF-8 or GBK.
func TestMayBePolicy(t *testing.T) {
	gbk, _ := simplifiedchinese.GBK.NewEncoder().Bytes([]byte("<html><head><title>示例应用隐私政策</title></head><body><p>我们会收集您的手机号码。</p></body></html>"))
	for _, c := range []struct {
		file string
		data []byte
		want bool
	}{
		{"assets/privacy.html", []byte("<p>x</p>"), true},
		{"assets/doc.html", []byte("<title>示例应用隐私政策</title>"), true},
		{"assets/doc.html", gbk, true},
		{"assets/help.html", []byte("<title>使用帮助</title><p>点击右上角的按钮。</p>"), false},
		{"assets/web/index.html", bytes.Repeat([]byte{0xff, 0x00, 0x12}, 3000), false},
	} {
		if got := MayBePolicy(c.file, c.data); got != c.want {
			t.Errorf("%s: %v, want %v", c.file, got, c.want)
		}
	}
}
