.class public Lcom/example/hegui/Flow;
.super Ljava/lang/Object;
.source "Flow.java"

# Every call to sink(String) below is a question for the def-use pass:
# which instructions may have defined its argument. flow_test.go holds
# the answers.

.field public static CONST:Ljava/lang/String;

.method public static sink(Ljava/lang/String;)V
    .registers 1
    return-void
.end method

.method public static wide(JLjava/lang/String;)V
    .registers 3
    return-void
.end method

.method public static many(IIIIILjava/lang/String;)V
    .registers 6
    return-void
.end method

.method public static other()Ljava/lang/String;
    .registers 1
    const/4 v0, 0x0
    return-object v0
.end method

# A call's result.
.method public straight(Landroid/content/Context;)V
    .registers 3
    invoke-virtual {p1}, Landroid/content/Context;->getPackageName()Ljava/lang/String;
    move-result-object v0
    invoke-static {v0}, Lcom/example/hegui/Flow;->sink(Ljava/lang/String;)V
    return-void
.end method

# Two constants, one per branch.
.method public branch(Z)V
    .registers 3
    if-eqz p1, :else
    const-string v0, "a"
    goto :join
    :else
    const-string v0, "b"
    :join
    invoke-static {v0}, Lcom/example/hegui/Flow;->sink(Ljava/lang/String;)V
    return-void
.end method

# A loop: the constant on the first iteration, the call's result after.
.method public loop(I)V
    .registers 3
    const-string v0, "x"
    :top
    invoke-static {v0}, Lcom/example/hegui/Flow;->sink(Ljava/lang/String;)V
    invoke-static {}, Lcom/example/hegui/Flow;->other()Ljava/lang/String;
    move-result-object v0
    add-int/lit8 p1, p1, -0x1
    if-gtz p1, :top
    return-void
.end method

# A parameter, passed on as it came.
.method public param(Ljava/lang/String;)V
    .registers 2
    invoke-static {p1}, Lcom/example/hegui/Flow;->sink(Ljava/lang/String;)V
    return-void
.end method

# Moves copy what a register holds.
.method public moves()V
    .registers 3
    const-string v0, "moved"
    move-object v1, v0
    const/4 v0, 0x0
    invoke-static {v1}, Lcom/example/hegui/Flow;->sink(Ljava/lang/String;)V
    return-void
.end method

# A wide argument before the string: the string is in the third slot.
.method public wideArg()V
    .registers 4
    const-wide/16 v0, 0x7
    const-string v2, "after-wide"
    invoke-static {v0, v1, v2}, Lcom/example/hegui/Flow;->wide(JLjava/lang/String;)V
    return-void
.end method

# A range call: the string is the sixth argument.
.method public range()V
    .registers 7
    const/4 v0, 0x1
    const/4 v1, 0x2
    const/4 v2, 0x3
    const/4 v3, 0x4
    const/4 v4, 0x5
    sget-object v5, Lcom/example/hegui/Flow;->CONST:Ljava/lang/String;
    invoke-static/range {v0 .. v5}, Lcom/example/hegui/Flow;->many(IIIIILjava/lang/String;)V
    return-void
.end method

# A handler sees what the register held before the call that threw, and
# what it held after.
.method public handler()V
    .registers 3
    const-string v0, "before"
    :try_start
    invoke-static {}, Lcom/example/hegui/Flow;->other()Ljava/lang/String;
    move-result-object v0
    invoke-static {v0}, Lcom/example/hegui/Flow;->sink(Ljava/lang/String;)V
    :try_end
    .catch Ljava/lang/Exception; {:try_start .. :try_end} :catch
    return-void
    :catch
    move-exception v1
    invoke-static {v0}, Lcom/example/hegui/Flow;->sink(Ljava/lang/String;)V
    return-void
.end method

# A switch: one constant per case, and the default.
.method public switches(I)V
    .registers 3
    const-string v0, "default"
    packed-switch p1, :cases
    goto :done
    :case0
    const-string v0, "zero"
    goto :done
    :case1
    const-string v0, "one"
    :done
    invoke-static {v0}, Lcom/example/hegui/Flow;->sink(Ljava/lang/String;)V
    return-void
    :cases
    .packed-switch 0x0
        :case0
        :case1
    .end packed-switch
.end method

# Five possible constants: more than a may-set holds.
.method public tooMany(I)V
    .registers 3
    const-string v0, "s0"
    if-nez p1, :a
    const-string v0, "s1"
    :a
    if-lez p1, :b
    const-string v0, "s2"
    :b
    if-gez p1, :c
    const-string v0, "s3"
    :c
    if-ltz p1, :d
    const-string v0, "s4"
    :d
    invoke-static {v0}, Lcom/example/hegui/Flow;->sink(Ljava/lang/String;)V
    return-void
.end method

# The uses of one constant: compared, passed on, returned.
.method public uses(Ljava/lang/String;)Ljava/lang/String;
    .registers 4
    const-string v0, "content://com.android.contacts"
    invoke-virtual {p1, v0}, Ljava/lang/String;->startsWith(Ljava/lang/String;)Z
    move-result v1
    if-eqz v1, :no
    invoke-static {v0}, Lcom/example/hegui/Flow;->sink(Ljava/lang/String;)V
    :no
    return-object v0
.end method
