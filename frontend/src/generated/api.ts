// Generated from openapi.json by `npm run gen:types`; do not edit by hand.

export interface paths {
    "/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Greeting, or the UI for browsers
         * @description API clients get a JSON greeting. A browser (`Accept: text/html`) gets the built UI when `FRONTEND_DIST` holds one.
         */
        get: operations["root"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Run the proposed tools
         * @description Runs the `confirm_proposal` update: the waiting proposal's tools run (several proposed together run at once) and the answer comes once they finished, with each tool's result. An optional JSON body `{"args": {...}}` runs the single proposed tool with edited arguments, checked against its argument list first.
         */
        post: operations["confirm"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/conversations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List conversations
         * @description The conversations on this deployment's task queue, from Temporal's visibility store: running ones first (newest first), then finished ones (most recently finished first). Each appears once, whatever its continue-as-new runs. Paged: pass `next_page_token` back as `page_token`.
         */
        get: operations["list_conversations"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/decline": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Decline the proposed tools
         * @description Runs the `decline_proposal` update: the waiting proposal does not run; the agent hears that the user declined (and `reason`, if given) and answers.
         */
        post: operations["decline"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/email/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel the email
         * @description Runs the `cancel` update: the email ends as `canceled` and nothing is sent. Refused once the email is being sent or has finished.
         */
        post: operations["email_cancel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/email/describe": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read an email
         * @description Queries `describe`: status, request, draft, recipient, subject, body, send time, the assistant's replies. Finished emails (sent, canceled, failed) answer too.
         */
        get: operations["email_describe"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/email/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Follow an email (Server-Sent Events)
         * @description A `text/event-stream` of `status` events (data: an EmailStreamStatus) and `email` events (data: the email, as `/email/describe` answers it), each sent on connect and whenever it changes, with keep-alive comments in between.
         */
        get: operations["email_events"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/email/request": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Ask the assistant for a change
         * @description Runs the `send_request` update: write, revise, translate, reschedule or cancel the email in words ("write to ana@example.com about lunch, send it tomorrow 9am"). Taken only while the email is waiting or scheduled; a request to a scheduled email stops its timer until the assistant has answered. Answers the email once the workflow has taken the request (status `processing`); follow `/email/events` for the assistant's answer.
         */
        post: operations["email_request"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/email/save-draft": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Save what the user is typing
         * @description Runs the `save_draft` update, so a reload finds the request box as it was. An empty text clears the draft. Refused once the email has finished.
         */
        post: operations["email_save_draft"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/email/start": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start an email
         * @description Starts the email assistant for one email. Without `workflow_id` a fresh id (`email-...`) is made. An email that is already running is returned unchanged; one that has finished gets a new run. Right after the start the answer may be the `initialized` email, before the workflow has checked how email is delivered.
         */
        post: operations["email_start"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/end-chat": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * End the conversation
         * @description Signals `end_chat`; the workflow completes with its history.
         */
        post: operations["end_chat"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Follow a conversation (Server-Sent Events)
         * @description A `text/event-stream` of `status` events (data: a Status object) and `history` events (data: the conversation history), each sent on connect and whenever it changes; `delta` events (id: a sequence number; data: `{"reply", "text"}`, or `"restart": true` / `"done": true`) with a reply's text as the model writes it, resumed after `Last-Event-ID`; keep-alive comments in between.
         */
        get: operations["events"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/events/ticket": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A ticket to open an event stream
         * @description Browsers cannot send an `Authorization` header with an `EventSource`. This answers a ticket that opens the event stream of one workflow (`/events` or `/email/events`, `&ticket=...`) for the caller, for one minute. A ticket for an id that is not the caller's opens a stream that shows nothing, as for an unused id.
         */
        post: operations["ticket"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/get-conversation-history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read the conversation
         * @description Queries `get_conversation_history` (5 s timeout). A run that was terminated, cancelled, failed or timed out gives `[]`, and so does a conversation that does not exist (reading never starts one). Finished conversations still answer with their final history.
         */
        get: operations["get_conversation_history"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/get-conversation-usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * What the conversation's model calls used and cost
         * @description Queries `get_conversation_usage`: tokens by step and model, summed across continue-as-new, priced per model (`data/model_prices.json`, `LLM_PRICES`). `cost_usd` is null when a model used has no known price.
         */
        get: operations["get_conversation_usage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/get-latest-tool-data": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read the agent's latest decision
         * @description Queries `get_latest_tool_data`: the planner's latest answer, or null before the first one. Null too for a conversation that does not exist (it is not started) or whose run was terminated, cancelled, failed or timed out.
         */
        get: operations["get_latest_tool_data"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/goals": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The goals a conversation can pursue
         * @description Every goal of `GOALS_DIR` this deployment offers (`GOAL_CATEGORIES`), with the built-in agent picker (`choose-agent`) first and the default goal next. Start a conversation with one through `POST /start-workflow?goal=<id>`.
         */
        get: operations["list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Is the api up, and can it reach Temporal? */
        get: operations["health"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The api's metrics (Prometheus text)
         * @description Requests by route and status, their latencies, and open event streams, in the Prometheus text exposition format.
         */
        get: operations["metrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This document */
        get: operations["openapi_json"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/send-prompt": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send the user's message
         * @description Signals `user_prompt`. A conversation that is not running is started first (its greeting, then this prompt).
         */
        post: operations["send_prompt"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/start-workflow": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start a conversation
         * @description Starts the agent with its greeting queued. Without `workflow_id` it starts (or returns) the default conversation, `agent-workflow`, like every other endpoint. A conversation that is already running is left as it is (whatever `goal` says); one that has finished gets a new run.
         */
        post: operations["start_workflow"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ui-config": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Settings the UI needs */
        get: operations["ui_config"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description An activity that failed and is being tried again (from the run's pending activities). */
        ActivityRetry: {
            /**
             * Format: int32
             * @description The attempt under way or next, from 2 up.
             */
            attempt: number;
            /** @description Why the last attempt failed. */
            last_failure?: string | null;
            /** @description The activity type, e.g. `agent_toolPlanner` or a tool's name. */
            name: string;
            /** @description When the next attempt starts, if it waits (RFC 3339). */
            next_attempt_at?: string | null;
        };
        /**
         * @description Who a message in the history came from.
         * @enum {string}
         */
        Actor: "user" | "agent" | "user_confirmed_tool_run" | "user_declined_tool_run" | "tool_result" | "conversation_summary";
        /** @description How the UI signs people in. */
        AuthInfo: {
            /**
             * @description `none`: nothing to do; `tokens` or `jwt`: every endpoint but the public ones needs
             *     `Authorization: Bearer <token>`.
             */
            mode: components["schemas"]["AuthModeName"];
            oidc?: components["schemas"]["OidcSettings"] | null;
        };
        /**
         * @description The mode's name, as `/ui-config` tells the UI.
         * @enum {string}
         */
        AuthModeName: "none" | "tokens" | "jwt";
        /** @description `/confirm`'s optional body: the proposed tool's arguments as the user edited them. */
        ConfirmBody: {
            /**
             * @description Replaces the proposed tool's arguments: every name must be one of the tool's and
             *     every required argument needs a value (else 400 and nothing runs). Only when a single
             *     tool is proposed.
             */
            args: {
                [key: string]: unknown;
            };
        };
        /** @description The whole conversation as the `get_conversation_history` query returns it. */
        ConversationHistory: {
            goal?: components["schemas"]["CurrentGoal"] | null;
            messages?: components["schemas"]["Message"][];
        };
        /**
         * @description What a conversation looks like from outside.
         * @enum {string}
         */
        ConversationState: "running" | "completed" | "ended" | "failed" | "not_found" | "worker_unavailable";
        /**
         * @description Where a conversation stands, as Temporal says of its latest run.
         * @enum {string}
         */
        ConversationStatus: "running" | "completed" | "failed" | "canceled" | "terminated" | "timed_out";
        /** @description One conversation as the list shows it. */
        ConversationSummary: {
            /**
             * Format: double
             * @description What they cost in US dollars; null when a model used has no known price.
             */
            cost_usd?: number | null;
            goal?: components["schemas"]["CurrentGoal"] | null;
            /** @description RFC 3339, UTC. */
            started_at: string;
            status: components["schemas"]["ConversationStatus"];
            /** @description The first user message, later the model's short summary; null before the user wrote. */
            title?: string | null;
            /**
             * Format: int64
             * @description Tokens its model calls used so far.
             */
            tokens?: number | null;
            /** @description When it last changed (RFC 3339, UTC). */
            updated_at: string;
            workflow_id: string;
        };
        /** @description One page of the list. */
        ConversationsPage: {
            conversations: components["schemas"]["ConversationSummary"][];
            /** @description Pass it back as `page_token` for the next page; null on the last page. */
            next_page_token?: string | null;
        };
        /** @description Which agent a conversation talks to right now (it changes when the picker switches). */
        CurrentGoal: {
            /** @description The goal's id, as `GET /goals` lists it. */
            id: string;
            /** @description The agent's name. */
            name: string;
        };
        /**
         * @description How this worker delivers email.
         * @enum {string}
         */
        DeliveryChannel: "smtp" | "outbox";
        /** @description `/email/save-draft`'s answer. */
        DraftSaved: {
            /** @description The saved draft's length in bytes of UTF-8. */
            bytes: number;
            saved: boolean;
        };
        /** @description What `email_send` reports once the email is delivered. */
        EmailReceipt: {
            /** @description An earlier attempt had already delivered it; this one sent nothing. */
            already_delivered?: boolean;
            channel: components["schemas"]["DeliveryChannel"];
            /**
             * Format: int64
             * @description Unix seconds.
             */
            delivered_at: number;
            /** @description The outbox file, or the SMTP server that accepted the message. */
            location: string;
            message_id: string;
        };
        /**
         * @description What `email_checkDelivery` found: this worker's way to send, and the limits the workflow
         *     applies.
         */
        EmailSetup: {
            channel: components["schemas"]["DeliveryChannel"];
            /**
             * @description Where email goes, for people: `smtp.example.com:587 (starttls)` or the outbox folder.
             *     Never holds a secret.
             */
            detail: string;
            /**
             * Format: int32
             * @description Draft saves one workflow run takes before it continues as new (keeps its history
             *     short however long the user types).
             */
            draft_saves_per_run?: number;
            /**
             * Format: int64
             * @description How long the send activity keeps retrying before the email is `failed`.
             */
            send_window_secs: number;
        };
        /**
         * @description Where an email is in its life.
         *
         *     `initialized` → `waiting` (for a request) → `processing` (the assistant reads it) →
         *     `scheduled` (a durable timer runs until the send time) → `sending` → `sent`; or `canceled`;
         *     or `failed` (no way to deliver, or delivery kept failing). `waiting` and `scheduled` are the
         *     only states that take a new request; the last three are final.
         * @enum {string}
         */
        EmailStatus: "initialized" | "waiting" | "processing" | "scheduled" | "sending" | "sent" | "canceled" | "failed";
        /**
         * @description What an email's workflow looks like from outside.
         * @enum {string}
         */
        EmailStreamState: "running" | "finished" | "not_found" | "worker_unavailable";
        /** @description The `data` of an email stream's `status` event. */
        EmailStreamStatus: {
            /** @description The state in words, for the UI to show. */
            detail: string;
            state: components["schemas"]["EmailStreamState"];
        };
        /** @description The body of `/email/request` and `/email/save-draft`. */
        EmailTextBody: {
            /**
             * @description At most 8 KiB of UTF-8. A request must say something; a draft may be empty (which
             *     clears it).
             */
            text: string;
        };
        /** @description The `describe` query's answer (and what the updates return): the email as the user sees it. */
        EmailView: {
            body?: string | null;
            /** @description What the user is typing in the request box, saved by `save_draft`. */
            draft: string;
            /** @description Why the email failed, when it did. */
            failure?: string | null;
            /** @description Requests (`user`) and replies (`agent`), oldest first. */
            messages: components["schemas"]["ConversationHistory"];
            receipt?: components["schemas"]["EmailReceipt"] | null;
            recipient?: string | null;
            /** @description The assistant's latest reply. */
            reply?: string | null;
            /** @description The request being processed, or the latest one processed. */
            request?: string | null;
            /**
             * Format: int64
             * @description Unix seconds; set while a send time is known.
             */
            scheduled_at?: number | null;
            /** @description `scheduled_at` in the user's zone, for display. */
            scheduled_at_text?: string | null;
            setup?: components["schemas"]["EmailSetup"] | null;
            status: components["schemas"]["EmailStatus"];
            subject?: string | null;
            time_zone: string;
            workflow_id: string;
        };
        /** @description The body of every error response. */
        ErrorBody: {
            /** @description What went wrong, in words meant for the person calling the api. */
            detail: string;
        };
        /** @description One goal, as people choose it. */
        GoalInfo: {
            /**
             * @description False when this deployment cannot run it as configured (e.g. the offline demo model
             *     does not know it); `note` says why.
             */
            available: boolean;
            category: string;
            /** @description What it does, in a sentence. */
            description: string;
            id: string;
            /** @description The agent's name. */
            name: string;
            note?: string | null;
        };
        /** @description `GET /goals`'s answer. */
        GoalsResponse: {
            /** @description The goal of a conversation started without `goal=`. */
            default_goal: string;
            /**
             * @description The goals offered (those of `GOAL_CATEGORIES`): the agent picker, the default goal,
             *     then the others.
             */
            goals: components["schemas"]["GoalInfo"][];
        };
        /** @description `GET /health`. */
        HealthResponse: {
            /** @description Always `ok` while the api answers. */
            status: string;
            /**
             * @description `on` when replies stream live (NATS is reachable), else `off`: replies then arrive
             *     whole.
             */
            streaming: string;
            /** @description `connected` when Temporal answers right now, else `unavailable`. */
            temporal: string;
        };
        /** @description What `/get-conversation-history` answers. */
        HistoryReply: components["schemas"]["ConversationHistory"] | unknown[];
        /** @description One entry of the conversation. */
        Message: {
            actor: components["schemas"]["Actor"];
            /** @description A string (user text, summary) or an object (agent replies, tool results). */
            response: unknown;
        };
        /** @description What most conversation operations answer. */
        MessageResponse: {
            /** @description What happened, in words. */
            message: string;
            /** @description The conversation the request acted on. */
            workflow_id: string;
        };
        /**
         * @description The planner's verdict on what happens next.
         * @enum {string}
         */
        NextStep: "question" | "confirm" | "pick-new-goal" | "done" | "user_confirmed_tool_run";
        /**
         * @description Where the UI sends people to sign in when `API_AUTH=jwt` (`OIDC_*`): an authorization
         *     code flow with PKCE, run by the browser.
         */
        OidcSettings: {
            /** @description `OIDC_AUTHORIZATION_URL`: the issuer's authorization endpoint. */
            authorization_url: string;
            /** @description `OIDC_CLIENT_ID`: the UI's client id at the issuer (a public client). */
            client_id: string;
            /** @description `OIDC_SCOPE` (default `openid`). */
            scope: string;
            /** @description `OIDC_TOKEN_URL`: the issuer's token endpoint (it must allow the UI's origin). */
            token_url: string;
        };
        /** @description The planner's answer, stored as the agent's message and shown to the user. */
        PlannerDecision: {
            /** @description The tool's arguments; `null` means not known yet. */
            args?: {
                [key: string]: unknown;
            };
            /** @description Whether the user must confirm the tool before it runs. */
            force_confirm?: boolean;
            next: components["schemas"]["NextStep"];
            /**
             * @description Names a tool proposal, so that a confirm or decline meant for it never lands on a
             *     newer one.
             */
            proposal_id?: string | null;
            /** @description The live reply that streamed this answer's `response`, for the UI to replace. */
            reply_id?: string | null;
            /** @description What the agent says to the user. */
            response?: string;
            /** @description The proposed tool, if any. */
            tool?: string | null;
            /**
             * @description Several tools proposed together: one confirm (or decline) covers them all and they
             *     run concurrently. `tool` and `args` then repeat the first call.
             */
            tool_calls?: components["schemas"]["ToolCall"][];
        };
        /** @description What `/confirm` ran or `/decline` dropped. */
        ProposalResponse: {
            message: string;
            /** @description The proposal acted on. */
            proposal_id?: string | null;
            /** @description Each tool with its arguments; after a confirm, with what it returned. */
            tool_calls: components["schemas"]["ToolRun"][];
            workflow_id: string;
        };
        /** @description `GET /` for API clients. */
        RootResponse: {
            message: string;
        };
        /** @description `/email/start`'s optional body. */
        StartEmailBody: {
            /**
             * @description The user's IANA time zone (`Europe/Berlin`); times such as "tomorrow 9am" are read
             *     in it. Default `UTC`.
             */
            time_zone?: string | null;
        };
        /** @description The `data` of a `status` event. */
        Status: {
            activity?: components["schemas"]["ActivityRetry"] | null;
            /** @description The state in words, for the UI to show. */
            detail: string;
            state: components["schemas"]["ConversationState"];
        };
        /** @description One step's usage and cost. */
        StepUsage: components["schemas"]["UsageTotals"] & {
            /** Format: double */
            cost_usd?: number | null;
        };
        /** @description `POST /events/ticket`'s answer. */
        StreamTicket: {
            /** @description Until when it opens a stream (RFC 3339); an open stream runs on after that. */
            expires_at: string;
            /** @description Pass it as `ticket=` to `/events` or `/email/events` with the same `workflow_id`. */
            ticket: string;
        };
        /** @description One tool the planner proposes, with its arguments. */
        ToolCall: {
            args?: {
                [key: string]: unknown;
            };
            tool: string;
        };
        /** @description One tool of a proposal: its arguments and, once it ran, what it returned. */
        ToolRun: {
            args: {
                [key: string]: unknown;
            };
            /** @description What the tool returned (`{"error": ...}` when it failed); absent when it did not run. */
            result?: unknown;
            tool: string;
        };
        /** @description `GET /ui-config`: what the UI needs to know about this deployment. */
        UiConfig: {
            /** @description How callers sign in. */
            auth: components["schemas"]["AuthInfo"];
            /** @description The conversation used when a request names none. */
            default_workflow_id: string;
            /** @description True when that is the bundled keyless demo model. */
            demo_model: boolean;
            /** @description `LLM_MODEL` as `provider/model`. */
            model: string;
            namespace: string;
            task_queue: string;
            /** @description Base URL of the Temporal Web UI, for links to a conversation's workflow. */
            temporal_ui_url: string;
        };
        /** @description `GET /get-conversation-usage`'s answer. */
        UsageReport: {
            /** @description The same, per step (`planner`, `validator`, `summary`). */
            by_step: {
                [key: string]: components["schemas"]["StepUsage"];
            };
            /**
             * Format: int64
             * @description Model calls that reported usage.
             */
            calls: number;
            /** Format: int64 */
            completion_tokens: number;
            /**
             * Format: double
             * @description In US dollars; null when a model used has no known price.
             */
            cost_usd?: number | null;
            /** @description The models that answered (`provider/model`). */
            models: string[];
            /** Format: int64 */
            prompt_tokens: number;
        };
        /** @description Calls and tokens added up. */
        UsageTotals: {
            /** Format: int64 */
            calls: number;
            /** Format: int64 */
            completion_tokens: number;
            /** Format: int64 */
            prompt_tokens: number;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    root: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The greeting (JSON), or the UI (HTML) for browsers */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RootResponse"];
                    "text/html": string;
                };
            };
        };
    };
    confirm: {
        parameters: {
            query?: {
                /** @description The conversation; default `agent-workflow`. */
                workflow_id?: string;
                /**
                 * @description The proposal the user saw (its `proposal_id`): if a newer one waits, nothing runs
                 *     and the answer is 409. Default: whatever proposal waits.
                 */
                proposal?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description Edited arguments (optional) */
        requestBody?: {
            content: {
                "application/json": components["schemas"]["ConfirmBody"] | null;
            };
        };
        responses: {
            /** @description The tools ran */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProposalResponse"];
                };
            };
            /** @description Bad workflow_id or body, or edited arguments that do not fit the tool (nothing ran) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No token, or not one this api accepts (`WWW-Authenticate: Bearer`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such running conversation, or no worker answered */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Nothing waits for a confirm, or `proposal` is not the waiting one */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Over the caller's request rate or conversation limits (`Retry-After`); nothing was done */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Temporal is not reachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Confirmed, but the tools are still running */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    list_conversations: {
        parameters: {
            query?: {
                /** @description Conversations per page: 1–100, default 20. */
                page_size?: number;
                /** @description The previous page's `next_page_token`. */
                page_token?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationsPage"];
                };
            };
            /** @description Bad page_size or page_token */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No token, or not one this api accepts (`WWW-Authenticate: Bearer`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Over the caller's request rate or conversation limits (`Retry-After`); nothing was done */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Temporal is not reachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    decline: {
        parameters: {
            query?: {
                /** @description The conversation; default `agent-workflow`. */
                workflow_id?: string;
                /** @description The proposal the user saw (its `proposal_id`); as for `/confirm`. */
                proposal?: string;
                /** @description Why, in the user's words (at most 8 KiB); the agent hears it. */
                reason?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Declined */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProposalResponse"];
                };
            };
            /** @description Bad workflow_id */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No token, or not one this api accepts (`WWW-Authenticate: Bearer`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such running conversation, or no worker answered */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Nothing waits for a confirm, or `proposal` is not the waiting one */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Reason longer than 8 KiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Over the caller's request rate or conversation limits (`Retry-After`); nothing was done */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Temporal is not reachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    email_cancel: {
        parameters: {
            query?: {
                /**
                 * @description The email (Temporal workflow id): 1–128 characters of `[A-Za-z0-9._-]`, starting
                 *     with a letter or digit. Required, except by `/email/start`, which makes one up
                 *     (`email-...`) when it is missing.
                 */
                workflow_id?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The email */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EmailView"];
                };
            };
            /** @description Bad or missing workflow_id */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No token, or not one this api accepts (`WWW-Authenticate: Bearer`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such email, or no worker answered */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too late to cancel; the detail says why */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Over the caller's request rate or conversation limits (`Retry-After`); nothing was done */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Temporal is not reachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    email_describe: {
        parameters: {
            query?: {
                /**
                 * @description The email (Temporal workflow id): 1–128 characters of `[A-Za-z0-9._-]`, starting
                 *     with a letter or digit. Required, except by `/email/start`, which makes one up
                 *     (`email-...`) when it is missing.
                 */
                workflow_id?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The email */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EmailView"];
                };
            };
            /** @description Bad or missing workflow_id */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No token, or not one this api accepts (`WWW-Authenticate: Bearer`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such email, or no worker answered */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Over the caller's request rate or conversation limits (`Retry-After`); nothing was done */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Temporal is not reachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    email_events: {
        parameters: {
            query?: {
                /**
                 * @description The email (Temporal workflow id): 1–128 characters of `[A-Za-z0-9._-]`, starting
                 *     with a letter or digit. Required, except by `/email/start`, which makes one up
                 *     (`email-...`) when it is missing.
                 */
                workflow_id?: string;
                /**
                 * @description A ticket from `POST /events/ticket` for this `workflow_id`, instead of an
                 *     `Authorization` header (which `EventSource` cannot send).
                 */
                ticket?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The event stream */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            /** @description Bad or missing workflow_id */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No token, or not one this api accepts (`WWW-Authenticate: Bearer`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Over the caller's request rate or conversation limits (`Retry-After`); nothing was done */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    email_request: {
        parameters: {
            query?: {
                /**
                 * @description The email (Temporal workflow id): 1–128 characters of `[A-Za-z0-9._-]`, starting
                 *     with a letter or digit. Required, except by `/email/start`, which makes one up
                 *     (`email-...`) when it is missing.
                 */
                workflow_id?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["EmailTextBody"];
            };
        };
        responses: {
            /** @description The email, with the request taken */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EmailView"];
                };
            };
            /** @description Bad workflow_id or body, or blank text */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No token, or not one this api accepts (`WWW-Authenticate: Bearer`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such email, or no worker answered */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The email takes no request now; the detail says why */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Text longer than 8 KiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Over the caller's request rate or conversation limits (`Retry-After`); nothing was done */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Temporal is not reachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    email_save_draft: {
        parameters: {
            query?: {
                /**
                 * @description The email (Temporal workflow id): 1–128 characters of `[A-Za-z0-9._-]`, starting
                 *     with a letter or digit. Required, except by `/email/start`, which makes one up
                 *     (`email-...`) when it is missing.
                 */
                workflow_id?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["EmailTextBody"];
            };
        };
        responses: {
            /** @description Saved */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DraftSaved"];
                };
            };
            /** @description Bad workflow_id or body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No token, or not one this api accepts (`WWW-Authenticate: Bearer`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such email, or no worker answered */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The email has finished; the detail says how */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Text longer than 8 KiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Over the caller's request rate or conversation limits (`Retry-After`); nothing was done */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Temporal is not reachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    email_start: {
        parameters: {
            query?: {
                /**
                 * @description The email (Temporal workflow id): 1–128 characters of `[A-Za-z0-9._-]`, starting
                 *     with a letter or digit. Required, except by `/email/start`, which makes one up
                 *     (`email-...`) when it is missing.
                 */
                workflow_id?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["StartEmailBody"] | null;
            };
        };
        responses: {
            /** @description The email */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EmailView"];
                };
            };
            /** @description Bad workflow_id, body or time_zone */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No token, or not one this api accepts (`WWW-Authenticate: Bearer`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Over the caller's request rate or conversation limits (`Retry-After`); nothing was done */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Temporal is not reachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    end_chat: {
        parameters: {
            query?: {
                /**
                 * @description The conversation (Temporal workflow id): 1–128 characters of `[A-Za-z0-9._-]`,
                 *     starting with a letter or digit. Default `agent-workflow`.
                 */
                workflow_id?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description End requested */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MessageResponse"];
                };
            };
            /** @description Bad workflow_id */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No token, or not one this api accepts (`WWW-Authenticate: Bearer`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such running conversation */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Over the caller's request rate or conversation limits (`Retry-After`); nothing was done */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Temporal is not reachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    events: {
        parameters: {
            query?: {
                /**
                 * @description The conversation (Temporal workflow id): 1–128 characters of `[A-Za-z0-9._-]`,
                 *     starting with a letter or digit. Default `agent-workflow`.
                 */
                workflow_id?: string;
                /**
                 * @description A ticket from `POST /events/ticket` for this `workflow_id`, instead of an
                 *     `Authorization` header (which `EventSource` cannot send).
                 */
                ticket?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The event stream */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            /** @description Bad workflow_id */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No token, or not one this api accepts (`WWW-Authenticate: Bearer`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Over the caller's request rate or conversation limits (`Retry-After`); nothing was done */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    ticket: {
        parameters: {
            query?: {
                /**
                 * @description The conversation (Temporal workflow id): 1–128 characters of `[A-Za-z0-9._-]`,
                 *     starting with a letter or digit. Default `agent-workflow`.
                 */
                workflow_id?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The ticket */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StreamTicket"];
                };
            };
            /** @description Bad workflow_id */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No token, or not one this api accepts */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Over the caller's request rate or conversation limits (`Retry-After`); nothing was done */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    get_conversation_history: {
        parameters: {
            query?: {
                /**
                 * @description The conversation (Temporal workflow id): 1–128 characters of `[A-Za-z0-9._-]`,
                 *     starting with a letter or digit. Default `agent-workflow`.
                 */
                workflow_id?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The history, or `[]` */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HistoryReply"];
                };
            };
            /** @description Bad workflow_id */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No token, or not one this api accepts (`WWW-Authenticate: Bearer`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No worker answered the query */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Over the caller's request rate or conversation limits (`Retry-After`); nothing was done */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Temporal is not reachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    get_conversation_usage: {
        parameters: {
            query?: {
                /**
                 * @description The conversation (Temporal workflow id): 1–128 characters of `[A-Za-z0-9._-]`,
                 *     starting with a letter or digit. Default `agent-workflow`.
                 */
                workflow_id?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Usage and cost */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UsageReport"];
                };
            };
            /** @description Bad workflow_id */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No token, or not one this api accepts (`WWW-Authenticate: Bearer`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such conversation, or no worker answered */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Over the caller's request rate or conversation limits (`Retry-After`); nothing was done */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Temporal is not reachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    get_latest_tool_data: {
        parameters: {
            query?: {
                /**
                 * @description The conversation (Temporal workflow id): 1–128 characters of `[A-Za-z0-9._-]`,
                 *     starting with a letter or digit. Default `agent-workflow`.
                 */
                workflow_id?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The latest planner decision, or null */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PlannerDecision"] | null;
                };
            };
            /** @description Bad workflow_id */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No token, or not one this api accepts (`WWW-Authenticate: Bearer`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No worker answered the query */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Over the caller's request rate or conversation limits (`Retry-After`); nothing was done */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Temporal is not reachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The goals */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GoalsResponse"];
                };
            };
            /** @description No token, or not one this api accepts (`WWW-Authenticate: Bearer`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Over the caller's request rate or conversation limits (`Retry-After`); nothing was done */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    health: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Always 200 while the api runs */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HealthResponse"];
                };
            };
        };
    };
    metrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Prometheus text */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
        };
    };
    openapi_json: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The OpenAPI document */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
        };
    };
    send_prompt: {
        parameters: {
            query?: {
                /** @description The conversation; default `agent-workflow`. */
                workflow_id?: string;
                /** @description What the user typed: not blank, at most 8 KiB of UTF-8. */
                prompt?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Prompt delivered */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MessageResponse"];
                };
            };
            /** @description Bad workflow_id, or a missing or blank prompt */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No token, or not one this api accepts (`WWW-Authenticate: Bearer`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Prompt longer than 8 KiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Over the caller's request rate or conversation limits (`Retry-After`); nothing was done */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Temporal is not reachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    start_workflow: {
        parameters: {
            query?: {
                /** @description The conversation; default `agent-workflow`. */
                workflow_id?: string;
                /** @description The goal to pursue (an id from `GET /goals`); default `AGENT_GOAL`. */
                goal?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Started, or already running */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MessageResponse"];
                };
            };
            /** @description Bad workflow_id, or a goal no goal file has */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No token, or not one this api accepts (`WWW-Authenticate: Bearer`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Over the caller's request rate or conversation limits (`Retry-After`); nothing was done */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Temporal is not reachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    ui_config: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description This deployment's settings for the UI */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UiConfig"];
                };
            };
        };
    };
}
