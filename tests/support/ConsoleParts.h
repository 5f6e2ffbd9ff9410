#pragma once

#include "SandboxFixture.h"
#include "credentials/CredentialsModel.h"
#include "events/ActivityMonitor.h"
#include "operations/OperationsModel.h"
#include "shell/MainWindow.h"
#include "store/Database.h"
#include "timeline/TimelineModel.h"

#include <memory>

// The read models the console's window shows, over a test's database, wired with a
// SandboxFixture's services into the window's context — as app/reconsole.cpp does.
struct ConsoleParts
{
    explicit ConsoleParts(const std::shared_ptr<Database> &db)
        : operations(db)
        , timeline(*db)
        , credentials(*db)
        , activity(*db)
        , databaseName(db->location().display())
    { }

    WorkbenchContext context(SandboxFixture &f, const QString &sandboxUrl = {})
    {
        return { databaseName, f.service.get(), f.credentialService.get(), &f.access, f.registry.get(), f.records.get(),
            &operations, &timeline, &credentials, &activity, sandboxUrl };
    }

    OperationsModel operations;
    TimelineModel timeline;
    CredentialsModel credentials;
    ActivityMonitor activity;
    QString databaseName;
};
