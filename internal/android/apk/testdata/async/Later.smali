.class public Lcom/example/async/Later;
.super Ljava/lang/Object;
.implements Ljava/lang/Runnable;

# Stored at start-up to run once the user agrees: not run by a call.
.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Ljava/lang/Object;-><init>()V
    return-void
.end method

.method public run()V
    .registers 2
    const-string v0, "later"
    invoke-static {v0}, Lcom/example/async/InitTask;->touch(Ljava/lang/String;)V
    return-void
.end method
