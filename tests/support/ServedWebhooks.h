#pragma once

#include "transport/HttpListener.h"
#include "webhooks/WebhookReceiver.h"

// A webhook receiver served on a listener of its own, as the agent serves it on its port.
struct ServedWebhooks
{
    WebhookReceiver receiver;
    HttpListener listener;

    explicit ServedWebhooks(const Database &db, const HttpListener::Options &options = {})
        : receiver(db)
        , listener(options)
    {
        listener.addRoute(receiver);
    }
    bool start()
    {
        if (!listener.listen())
            return false;
        receiver.start();
        return true;
    }
    QString baseUrl() const { return listener.baseUrl(); }
};
