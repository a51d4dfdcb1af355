locals {
  endpoints_file = coalesce(var.endpoints_file, "${path.module}/../../../config/endpoints.json")
  endpoints      = jsondecode(file(local.endpoints_file)).endpoints

  # One Map item per endpoint: its name and the mode a plain daily run uses for it.
  catalogue = [for e in local.endpoints : {
    endpoint = e.name
    mode     = try(e.incremental, null) == null ? "snapshot" : "incremental"
  }]
  endpoint_names    = [for e in local.catalogue : e.endpoint]
  incremental_names = [for e in local.catalogue : e.endpoint if e.mode == "incremental"]

  network_configuration = {
    AwsvpcConfiguration = {
      Subnets        = var.subnet_ids
      SecurityGroups = var.security_group_ids
      AssignPublicIp = var.assign_public_ip ? "ENABLED" : "DISABLED"
    }
  }

  # Execution input (every field optional):
  #   endpoints  names to ingest (default: all of them)
  #   mode       "snapshot" | "incremental" for every selected endpoint (default: per endpoint)
  #   date       YYYY-MM-DD logical date (default: the CLI's, yesterday UTC for incremental, today for snapshot)
  selected_items = "($exists($states.input.endpoints) ? [$filter($catalogue, function($i) { $i.endpoint in $states.input.endpoints })] : $catalogue)"

  # ECS API trouble (throttling, capacity, service errors) is transient: back off and try again.
  ecs_retry = {
    ErrorEquals     = ["ECS.AmazonECSException", "ECS.ServerException", "ECS.ThrottlingException"]
    IntervalSeconds = 15
    BackoffRate     = 2
    MaxAttempts     = 5
    MaxDelaySeconds = 300
    JitterStrategy  = "FULL"
  }

  # A failed ingest task is worth another try: it resumes from the pages already in the lake,
  # so a retry fetches only what is missing.
  ingest_failure_retry = {
    ErrorEquals     = ["States.TaskFailed"]
    IntervalSeconds = 60
    BackoffRate     = 2
    MaxAttempts     = 2
    JitterStrategy  = "FULL"
  }

  ingest_command = "{% $append(['ingest', '--endpoint', $states.input.endpoint, '--mode', $states.input.mode], $states.input.date = '' ? ['--json'] : ['--date', $states.input.date, '--json']) %}"

  definition = {
    Comment       = "Ingest every selected endpoint on Fargate, then build the warehouse with dbt."
    QueryLanguage = "JSONata"
    StartAt       = "LoadCatalogue"
    States = {
      LoadCatalogue = {
        Type   = "Pass"
        Assign = { catalogue = local.catalogue }
        Next   = "ValidateInput"
      }

      ValidateInput = {
        Type = "Choice"
        Choices = [
          {
            Condition = "{% $exists($states.input.endpoints) and ($type($states.input.endpoints) != 'array' or $count($states.input.endpoints) = 0 or $count($filter($states.input.endpoints, function($e) { $not($e in $catalogue.endpoint) })) > 0) %}"
            Next      = "UnknownEndpoint"
          },
          {
            Condition = "{% $exists($states.input.mode) and $not($states.input.mode in ['snapshot', 'incremental']) %}"
            Next      = "InvalidMode"
          },
          {
            Condition = "{% $states.input.mode = 'incremental' and $count($filter(${local.selected_items}, function($i) { $i.mode != 'incremental' })) > 0 %}"
            Next      = "IncrementalNotSupported"
          },
          {
            Condition = "{% $exists($states.input.date) and $not($type($states.input.date) = 'string' and $contains($states.input.date, /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/)) %}"
            Next      = "InvalidDate"
          },
        ]
        Default = "IngestEndpoints"
      }

      UnknownEndpoint = {
        Type  = "Fail"
        Error = "InvalidInput.UnknownEndpoint"
        Cause = "input.endpoints must be a non-empty list of known endpoints: ${join(", ", local.endpoint_names)}"
      }
      InvalidMode = {
        Type  = "Fail"
        Error = "InvalidInput.Mode"
        Cause = "input.mode must be \"snapshot\" or \"incremental\" (or left out for each endpoint's default)"
      }
      IncrementalNotSupported = {
        Type  = "Fail"
        Error = "InvalidInput.IncrementalNotSupported"
        Cause = "mode \"incremental\" needs endpoints that support it: ${join(", ", local.incremental_names)}"
      }
      InvalidDate = {
        Type  = "Fail"
        Error = "InvalidInput.Date"
        Cause = "input.date must be a YYYY-MM-DD string"
      }

      IngestEndpoints = {
        Type           = "Map"
        Items          = "{% ${local.selected_items} %}"
        MaxConcurrency = var.max_concurrency
        ItemSelector = {
          endpoint = "{% $states.context.Map.Item.Value.endpoint %}"
          mode     = "{% $exists($states.input.mode) ? $states.input.mode : $states.context.Map.Item.Value.mode %}"
          date     = "{% $exists($states.input.date) ? $states.input.date : '' %}"
        }
        ItemProcessor = {
          ProcessorConfig = { Mode = "INLINE" }
          StartAt         = "RunIngest"
          States = {
            RunIngest = {
              Type     = "Task"
              Resource = "arn:${var.partition}:states:::ecs:runTask.sync"
              Arguments = {
                Cluster              = var.cluster_arn
                TaskDefinition       = var.ingest_task_definition_arn
                LaunchType           = "FARGATE"
                PlatformVersion      = "LATEST"
                NetworkConfiguration = local.network_configuration
                PropagateTags        = "TASK_DEFINITION"
                StartedBy            = "{% $states.context.Execution.Name %}"
                Overrides = {
                  ContainerOverrides = [{
                    Name    = var.ingest_container_name
                    Command = local.ingest_command
                  }]
                }
              }
              TimeoutSeconds = var.ingest_timeout_seconds
              Retry          = [local.ecs_retry, local.ingest_failure_retry]
              # One endpoint failing must not stop the others: record it and let the Map finish.
              Catch = [{
                ErrorEquals = ["States.ALL"]
                Output      = "{% {'endpoint': $states.input.endpoint, 'mode': $states.input.mode, 'failed': true, 'error': $states.errorOutput.Error, 'cause': $states.errorOutput.Cause} %}"
                Next        = "IngestFailureRecorded"
              }]
              Output = "{% {'endpoint': $states.input.endpoint, 'mode': $states.input.mode, 'failed': false} %}"
              End    = true
            }
            IngestFailureRecorded = {
              Type = "Succeed"
            }
          }
        }
        Catch = [{
          ErrorEquals = ["States.ALL"]
          Output      = "{% {'step': 'ingest', 'error': $states.errorOutput.Error, 'cause': $states.errorOutput.Cause} %}"
          Next        = "NotifyFailure"
        }]
        Next = "CheckIngestResults"
      }

      CheckIngestResults = {
        Type = "Choice"
        Choices = [{
          Condition = "{% $count($states.input[failed]) > 0 %}"
          Next      = "SummariseIngestFailures"
        }]
        Default = "WaitForExternalTables"
      }
      SummariseIngestFailures = {
        Type   = "Pass"
        Output = "{% {'step': 'ingest', 'failedEndpoints': [$states.input[failed]]} %}"
        Next   = "NotifyFailure"
      }

      # Snowflake registers new pages from S3 event notifications, asynchronously.
      WaitForExternalTables = {
        Type    = "Wait"
        Seconds = var.external_table_refresh_wait_seconds
        Next    = "RunTransform"
      }

      RunTransform = {
        Type     = "Task"
        Resource = "arn:${var.partition}:states:::ecs:runTask.sync"
        Arguments = {
          Cluster              = var.cluster_arn
          TaskDefinition       = var.transform_task_definition_arn
          LaunchType           = "FARGATE"
          PlatformVersion      = "LATEST"
          NetworkConfiguration = local.network_configuration
          PropagateTags        = "TASK_DEFINITION"
          StartedBy            = "{% $states.context.Execution.Name %}"
          Overrides = {
            ContainerOverrides = [{
              Name    = var.transform_container_name
              Command = var.transform_command
            }]
          }
        }
        TimeoutSeconds = var.transform_timeout_seconds
        Retry          = [local.ecs_retry]
        Catch = [{
          ErrorEquals = ["States.ALL"]
          Output      = "{% {'step': 'transform', 'error': $states.errorOutput.Error, 'cause': $states.errorOutput.Cause} %}"
          Next        = "NotifyFailure"
        }]
        Next = "RunSucceeded"
      }

      RunSucceeded = {
        Type = "Succeed"
      }

      NotifyFailure = {
        Type     = "Task"
        Resource = "arn:${var.partition}:states:::sns:publish"
        Arguments = {
          TopicArn = var.failure_topic_arn
          Subject  = "{% $substring('Pipeline run failed: ' & $states.context.Execution.Name, 0, 100) %}"
          Message  = "{% $string({'execution': $states.context.Execution.Id, 'input': $states.context.Execution.Input, 'failure': $states.input}, true) %}"
        }
        Retry = [{
          ErrorEquals     = ["States.ALL"]
          IntervalSeconds = 5
          BackoffRate     = 2
          MaxAttempts     = 3
        }]
        Next = "RunFailed"
      }

      RunFailed = {
        Type  = "Fail"
        Error = "PipelineRunFailed"
        Cause = "A step failed; the failure notification carries the details."
      }
    }
  }
}
