.class public Lcom/example/async/Gates;
.super Landroid/app/Application;

# gated(): the call is skipped unless the consent flag is set (if-eqz
# jumps over it): not run before consent.
.method public gated()V
    .registers 4
    const-string v0, "privacy"
    const/4 v1, 0x0
    invoke-virtual {p0, v0, v1}, Lcom/example/async/Gates;->getSharedPreferences(Ljava/lang/String;I)Landroid/content/SharedPreferences;
    move-result-object v0
    const-string v2, "privacy_agreed"
    invoke-interface {v0, v2, v1}, Landroid/content/SharedPreferences;->getBoolean(Ljava/lang/String;Z)Z
    move-result v0
    if-eqz v0, :skip
    new-instance v0, Lcom/example/async/Later;
    invoke-direct {v0}, Lcom/example/async/Later;-><init>()V
    invoke-virtual {v0}, Lcom/example/async/Later;->run()V
    :skip
    return-void
.end method

# logOnly(): the flag only decides a log line; the call after the merge
# runs on both paths: not gated.
.method public logOnly()V
    .registers 4
    const-string v0, "privacy"
    const/4 v1, 0x0
    invoke-virtual {p0, v0, v1}, Lcom/example/async/Gates;->getSharedPreferences(Ljava/lang/String;I)Landroid/content/SharedPreferences;
    move-result-object v0
    const-string v2, "privacy_agreed"
    invoke-interface {v0, v2, v1}, Landroid/content/SharedPreferences;->getBoolean(Ljava/lang/String;Z)Z
    move-result v0
    if-nez v0, :after
    const-string v0, "t"
    const-string v1, "not agreed yet"
    invoke-static {v0, v1}, Landroid/util/Log;->d(Ljava/lang/String;Ljava/lang/String;)I
    :after
    new-instance v0, Lcom/example/async/InitTask;
    const/4 v1, 0x0
    invoke-direct {v0, v1}, Lcom/example/async/InitTask;-><init>(Landroid/content/Context;)V
    invoke-virtual {v0}, Lcom/example/async/InitTask;->run()V
    return-void
.end method
