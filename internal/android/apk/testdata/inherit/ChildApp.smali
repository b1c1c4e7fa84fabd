.class public Lcom/example/inherit/ChildApp;
.super Lcom/example/inherit/MidApp;

# The Application: both calls name this class, whose superclasses define
# the methods.
.method public onCreate()V
    .registers 1
    invoke-super {p0}, Lcom/example/inherit/MidApp;->onCreate()V
    invoke-virtual {p0}, Lcom/example/inherit/ChildApp;->helper()V
    invoke-virtual {p0}, Lcom/example/inherit/ChildApp;->startSdks()V
    return-void
.end method
