.class public Lcom/example/async/Click;
.super Ljava/lang/Object;
.implements Landroid/view/View$OnClickListener;

# A listener made at start-up runs on a user action: not followed.
.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Ljava/lang/Object;-><init>()V
    return-void
.end method

.method public onClick(Landroid/view/View;)V
    .registers 3
    const-string v0, "x"
    invoke-static {v0}, Lcom/example/async/InitTask;->touch(Ljava/lang/String;)V
    return-void
.end method
