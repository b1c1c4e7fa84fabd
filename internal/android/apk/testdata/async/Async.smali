.class public Lcom/example/async/App;
.super Landroid/app/Application;

.field public static pending:Ljava/lang/Runnable;

# Application.onCreate hands the SDK start to a background thread: the
# Runnable's run() runs at start-up without a direct call.
.method public onCreate()V
    .registers 3
    invoke-super {p0}, Landroid/app/Application;->onCreate()V
    new-instance v0, Lcom/example/async/InitTask;
    invoke-direct {v0, p0}, Lcom/example/async/InitTask;-><init>(Landroid/content/Context;)V
    new-instance v1, Ljava/lang/Thread;
    invoke-direct {v1, v0}, Ljava/lang/Thread;-><init>(Ljava/lang/Runnable;)V
    invoke-virtual {v1}, Ljava/lang/Thread;->start()V
    new-instance v0, Lcom/example/async/Click;
    invoke-direct {v0}, Lcom/example/async/Click;-><init>()V
    new-instance v0, Lcom/example/async/Later;
    invoke-direct {v0}, Lcom/example/async/Later;-><init>()V
    sput-object v0, Lcom/example/async/App;->pending:Ljava/lang/Runnable;
    return-void
.end method
