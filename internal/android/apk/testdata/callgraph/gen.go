//go:build ignore

// gen writes the smali of a synthetic app with the shape of a large one,
// for the call-graph benchmark: CLASSES classes in PACKAGES packages, each
// with METHODS methods that call methods of other classes (static,
// virtual and interface calls), hand Runnables to an executor, load
// strings and, in a few methods, read personal information or a consent
// flag. The output is deterministic.
//
//	go run gen.go -out DIR
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
)

const (
	packages = 60
	classes  = 6000
	methods  = 8
	calls    = 11 // calls per method
)

func cls(i int) string { return fmt.Sprintf("Lcom/example/big/p%d/C%d;", i%packages, i) }

func main() {
	out := flag.String("out", "smali", "directory to write the smali files to")
	flag.Parse()
	r := rand.New(rand.NewPCG(1, 2))
	for i := range classes {
		name := cls(i)
		path := filepath.Join(*out, name[1:len(name)-1]+".smali")
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			log.Fatal(err)
		}
		f, err := os.Create(path)
		if err != nil {
			log.Fatal(err)
		}
		w := bufio.NewWriter(f)
		super := "Ljava/lang/Object;"
		if i%5 == 1 && i > 1 {
			super = cls(i - 1)
		}
		fmt.Fprintf(w, ".class public L%s\n.super %s\n.implements Ljava/lang/Runnable;\n\n", name[1:], super)
		fmt.Fprintf(w, ".method public constructor <init>()V\n    .locals 0\n    invoke-direct {p0}, %s-><init>()V\n    return-void\n.end method\n\n", super)
		fmt.Fprintf(w, ".method public run()V\n    .locals 1\n    invoke-static {}, %s->m0()V\n    return-void\n.end method\n\n", name)
		for m := range methods {
			fmt.Fprintf(w, ".method public static m%d()V\n    .locals 4\n", m)
			for c := range calls {
				t := r.IntN(classes)
				tm := r.IntN(methods)
				switch c % 3 {
				case 0:
					fmt.Fprintf(w, "    invoke-static {}, %s->m%d()V\n", cls(t), tm)
				case 1:
					fmt.Fprintf(w, "    new-instance v0, %s\n    invoke-direct {v0}, %s-><init>()V\n    invoke-virtual {v0}, %s->run()V\n", cls(t), cls(t), cls(t))
				case 2:
					fmt.Fprintf(w, "    const-string v1, \"k%d.%d.%d\"\n    invoke-static {v1}, Ljava/lang/String;->valueOf(Ljava/lang/Object;)Ljava/lang/String;\n", i, m, c)
				}
			}
			switch {
			case m == 1 && i%7 == 0:
				// Work handed to an executor.
				fmt.Fprintf(w, "    invoke-static {}, Ljava/util/concurrent/Executors;->newSingleThreadExecutor()Ljava/util/concurrent/ExecutorService;\n    move-result-object v2\n    new-instance v0, %s\n    invoke-direct {v0}, %s-><init>()V\n    invoke-interface {v2, v0}, Ljava/util/concurrent/ExecutorService;->execute(Ljava/lang/Runnable;)V\n", cls((i+1)%classes), cls((i+1)%classes))
			case m == 2 && i%97 == 0:
				fmt.Fprint(w, "    const/4 v0, 0x0\n    invoke-static {v0}, Landroid/provider/Settings$Secure;->getString(Landroid/content/ContentResolver;Ljava/lang/String;)Ljava/lang/String;\n")
			case m == 3 && i%131 == 0:
				fmt.Fprint(w, "    const/4 v0, 0x0\n    invoke-virtual {v0}, Landroid/telephony/TelephonyManager;->getDeviceId()Ljava/lang/String;\n")
			case m == 4 && i%151 == 0:
				fmt.Fprint(w, "    const-string v1, \"https://api.example.com/v1/collect\"\n    invoke-static {v1}, Ljava/lang/String;->valueOf(Ljava/lang/Object;)Ljava/lang/String;\n")
			}
			fmt.Fprint(w, "    return-void\n.end method\n\n")
		}
		if err := w.Flush(); err != nil {
			log.Fatal(err)
		}
		f.Close()
	}
}
