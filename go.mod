module github.com/hegui/hegui

go 1.26.8
