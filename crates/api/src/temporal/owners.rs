//! Who owns which workflow. With auth on, every conversation and email is started with its
//! owner in the `AgentOwner` search attribute (never changed afterwards: no signal or
//! update touches it, and continue-as-new carries it over). A caller sees only their own;
//! the Temporal Web UI, outside the api, still shows everything to the operator.

use std::collections::HashMap;

use temporalio_client::{
    Client, NamespacedClient,
    grpc::{OperatorService, WorkflowService},
    tonic::IntoRequest,
};
use temporalio_common::protos::temporal::api::{
    enums::v1::IndexedValueType,
    operatorservice::v1::{AddSearchAttributesRequest, ListSearchAttributesRequest},
    workflowservice::v1::CountWorkflowExecutionsRequest,
};

use super::{RunInfo, Temporal};
use crate::{
    auth::{Caller, OWNER_ATTRIBUTE, UserId},
    domain::WorkflowId,
    error::ApiError,
};

/// What a caller may know of a workflow id.
#[derive(Debug, Clone)]
pub enum Access {
    /// No workflow has the id, or the caller may see it (its latest run, if any).
    Visible(Option<RunInfo>),
    /// It is someone else's: every answer must be the one for an id nobody uses.
    Hidden,
}

impl Access {
    /// The latest run is open (so a prompt to it starts nothing).
    pub fn is_running(&self) -> bool {
        matches!(self, Access::Visible(Some(run)) if run.is_open())
    }
}

impl Temporal {
    /// Whether `caller` may see workflow `id`. With auth off nothing is hidden and, unless
    /// `need_run`, Temporal is not even asked.
    pub async fn access(
        &self,
        caller: &Caller,
        id: &WorkflowId,
        need_run: bool,
    ) -> Result<Access, ApiError> {
        if matches!(caller, Caller::Anyone) && !need_run {
            return Ok(Access::Visible(None));
        }
        Ok(match self.describe(id).await? {
            None => Access::Visible(None),
            Some(run) if caller.may_see(run.owner.as_deref()) => Access::Visible(Some(run)),
            Some(_) => Access::Hidden,
        })
    }

    /// How many conversations and emails `owner` has running (everyone's with auth off).
    pub async fn count_running(&self, owner: Option<&UserId>) -> Result<u64, ApiError> {
        let mut client = self.client()?;
        let query = format!(
            "TaskQueue = '{}' AND ExecutionStatus = 'Running'{}",
            self.settings.task_queue.replace('\'', ""),
            owner_clause(owner),
        );
        let mut request = CountWorkflowExecutionsRequest {
            namespace: client.namespace(),
            query,
        }
        .into_request();
        request.set_timeout(self.query_timeout);
        let answer = WorkflowService::count_workflow_executions(&mut client, request)
            .await
            .map_err(|status| self.rpc_error(&status))?;
        Ok(u64::try_from(answer.into_inner().count).unwrap_or(0))
    }
}

/// The visibility filter that keeps a list to `owner`'s workflows. User ids hold no quotes
/// (`UserId::parse`).
pub fn owner_clause(owner: Option<&UserId>) -> String {
    owner
        .map(|owner| format!(" AND {OWNER_ATTRIBUTE} = '{owner}'"))
        .unwrap_or_default()
}

/// Makes sure the namespace has the owner search attribute, adding it if it is missing
/// (the dev server in `scripts/run.sh` is started with it already). Failing that (no
/// permission), says how to add it; starts will then fail until it exists.
pub async fn ensure_attribute(client: &mut Client) {
    let namespace = client.namespace();
    let listed = OperatorService::list_search_attributes(
        client,
        ListSearchAttributesRequest {
            namespace: namespace.clone(),
        }
        .into_request(),
    )
    .await;
    match listed {
        Ok(answer) => {
            let answer = answer.into_inner();
            if answer.custom_attributes.contains_key(OWNER_ATTRIBUTE)
                || answer.system_attributes.contains_key(OWNER_ATTRIBUTE)
            {
                return;
            }
        }
        Err(status) => {
            tracing::warn!(error = %status.message(), "could not list search attributes");
        }
    }
    let added = OperatorService::add_search_attributes(
        client,
        AddSearchAttributesRequest {
            search_attributes: HashMap::from([(
                OWNER_ATTRIBUTE.to_owned(),
                IndexedValueType::Keyword as i32,
            )]),
            namespace: namespace.clone(),
        }
        .into_request(),
    )
    .await;
    match added {
        Ok(_) => {
            tracing::info!(attribute = OWNER_ATTRIBUTE, %namespace, "added the owner search attribute")
        }
        Err(status) => tracing::error!(
            attribute = OWNER_ATTRIBUTE,
            %namespace,
            error = %status.message(),
            "the namespace lacks the owner search attribute and the api could not add it: run \
             `temporal operator search-attribute create --namespace {namespace} --name {OWNER_ATTRIBUTE} --type Keyword`"
        ),
    }
}
