locals {
  # The lake is s3://bucket[/prefix]; the planner saves its shards under the prefix.
  lake_parts      = regex("^s3://([^/]+)/?(.*)$", var.lake_url)
  lake_bucket     = local.lake_parts[0]
  lake_key_prefix = local.lake_parts[1] == "" ? "" : "${trimsuffix(local.lake_parts[1], "/")}/"

  network_configuration = {
    AwsvpcConfiguration = {
      Subnets        = var.subnet_ids
      SecurityGroups = var.security_group_ids
      AssignPublicIp = var.assign_public_ip ? "ENABLED" : "DISABLED"
    }
  }

  # Execution input (every field optional):
  #   mode      "daily" | "snapshot" | "updated" (default: daily)
  #   date      YYYY-MM-DD logical date (default: the planner's)
  #   maxPages  a cap on the run's pages, e.g. for the first bite of a new backfill
  # The planner alone turns them into work; the definition only passes them on.
  input_fields = ["mode", "date", "maxPages"]
  modes        = ["daily", "snapshot", "updated"]

  # The planner saves the plan under the execution's name, so every run reads its own shards.
  plan_mode    = "['--mode', $exists($states.input.mode) ? $states.input.mode : 'daily']"
  plan_date    = "($exists($states.input.date) ? ['--date', $states.input.date] : [])"
  plan_cap     = "($exists($states.input.maxPages) ? ['--max-pages', $string($states.input.maxPages)] : [])"
  plan_command = "{% $reduce([['plan', '--all'], ${local.plan_mode}, ${local.plan_date}, ${local.plan_cap}, ['--json', '--shards', '${var.shards}', '--save', $states.context.Execution.Name]], $append) %}"
  shards_key   = "{% '${local.lake_key_prefix}_plans/' & $states.context.Execution.Name & '/shards.json' %}"

  # A run's steps in the order src/pipeline-steps.ts declares them (steps.tf, generated from it),
  # each begun by its first state here: the states chain in that order, and a step this module
  # has no state for fails the plan rather than being left out.
  step_first_state = { ingest = "PlanRun", compact = "Compact", transform = "WaitForExternalTables" }
  step_names       = [for step in local.pipeline_steps : step.name]
  step_args        = { for step in local.pipeline_steps : step.name => step.args if step.args != null }
  # The state each step goes on to when it is done: the next step's first state, or success.
  step_next = {
    for i, name in local.step_names : name => concat([for next in local.step_names : local.step_first_state[next]], ["RunSucceeded"])[i + 1]
  }

  # ECS API trouble (throttling, capacity, service errors) is transient: back off and try again.
  ecs_retry = {
    ErrorEquals     = ["ECS.AmazonECSException", "ECS.ServerException", "ECS.ThrottlingException"]
    IntervalSeconds = 15
    BackoffRate     = 2
    MaxAttempts     = 5
    MaxDelaySeconds = 300
    JitterStrategy  = "FULL"
  }

  # A failed shard or compaction is worth another try: it resumes from what is already in the
  # lake, so a retry fetches (or compacts) only what is missing.
  task_failure_retry = {
    ErrorEquals     = ["States.TaskFailed"]
    IntervalSeconds = 60
    BackoffRate     = 2
    MaxAttempts     = 2
    JitterStrategy  = "FULL"
  }

  catch = {
    for step in ["plan", "ingest", "compact", "transform"] : step => [{
      ErrorEquals = ["States.ALL"]
      Output      = "{% {'step': '${step}', 'error': $states.errorOutput.Error, 'cause': $states.errorOutput.Cause} %}"
      Next        = "NotifyFailure"
    }]
  }

  task_definitions = {
    ingest    = { arn = var.ingest_task_definition_arn, container = var.ingest_container_name }
    transform = { arn = var.transform_task_definition_arn, container = var.transform_container_name }
  }
  # The run's name, as JSONata: the execution's own, or, inside the Distributed Map's child
  # executions, the parent's (passed in by the ItemSelector). Tasks are started by it, and every
  # task of a run names one lineage parent, a UUID made from it (OpenLineage run ids are UUIDs),
  # so a lineage tool shows the run's ingest, compact and transform as one pipeline run.
  execution_name = "$states.context.Execution.Name"
  # $h, an MD5 in hex, written as a UUID.
  uuid_of_hash = "$join([$substring($h, 0, 8), $substring($h, 8, 4), $substring($h, 12, 4), $substring($h, 16, 4), $substring($h, 20, 12)], '-')"

  # Every ECS task of a run, one entry each: the task definition, the command, the timeout, the
  # retries and the state's own fields (what comes next, what it outputs). The task states are
  # all built from these by ecs_task_states.
  ecs_tasks = {
    # A planner that fails has met a usage error or an API it cannot reach after its own
    # retries: trying again would only spend more requests, so it is not retried.
    PlanRun = {
      task    = "ingest"
      command = local.plan_command
      run     = local.execution_name
      timeout = var.plan_timeout_seconds
      retry   = [local.ecs_retry]
      state   = { Catch = local.catch.plan, Output = "{% $states.input %}", Next = "IngestShards" }
    }
    # Inside the Distributed Map: exactly the argv the planner wrote for the shard.
    RunShard = {
      task    = "ingest"
      command = "{% $states.input.shard.args %}"
      run     = "$states.input.run"
      timeout = var.ingest_timeout_seconds
      retry   = [local.ecs_retry, local.task_failure_retry]
      # Small on purpose: every child's output is gathered into the Map's result.
      state = { Output = "{% {'units': $states.input.shard.units} %}", End = true }
    }
    # The closed partitions to Parquet, which Snowflake's external tables and dbt then read.
    Compact = {
      task    = "ingest"
      command = local.step_args.compact
      run     = local.execution_name
      timeout = var.compact_timeout_seconds
      retry   = [local.ecs_retry, local.task_failure_retry]
      state   = { Catch = local.catch.compact, Next = local.step_next.compact }
    }
    RunTransform = {
      task    = "transform"
      command = local.step_args.transform
      run     = local.execution_name
      timeout = var.transform_timeout_seconds
      retry   = [local.ecs_retry]
      state   = { Catch = local.catch.transform, Next = local.step_next.transform }
    }
  }

  ecs_task_states = {
    for name, task in local.ecs_tasks : name => merge({
      Type     = "Task"
      Resource = "arn:${var.partition}:states:::ecs:runTask.sync"
      Arguments = {
        Cluster              = var.cluster_arn
        TaskDefinition       = local.task_definitions[task.task].arn
        LaunchType           = "FARGATE"
        PlatformVersion      = "LATEST"
        NetworkConfiguration = local.network_configuration
        PropagateTags        = "TASK_DEFINITION"
        StartedBy            = "{% ${task.run} %}"
        Overrides = {
          ContainerOverrides = [{
            Name    = local.task_definitions[task.task].container
            Command = task.command
            Environment = [{
              Name  = "OPENLINEAGE_PARENT_ID"
              Value = "{% ($h := $hash(${task.run}, 'MD5'); '${local.lineage_parent_job}/' & ${local.uuid_of_hash}) %}"
            }]
          }]
        }
      }
      TimeoutSeconds = task.timeout
      Retry          = task.retry
    }, task.state)
  }

  definition = {
    Comment       = "Plan the run's work units, ingest them in shards on Fargate, compact the closed partitions, then build the warehouse with gmp transform."
    QueryLanguage = "JSONata"
    StartAt       = "ValidateInput"
    States = {
      ValidateInput = {
        Type = "Choice"
        Choices = [
          {
            Condition = "{% $type($states.input) != 'object' or $count($keys($states.input)[$not($ in ${jsonencode(local.input_fields)})]) > 0 %}"
            Next      = "UnknownField"
          },
          {
            Condition = "{% $exists($states.input.mode) and $not($states.input.mode in ${jsonencode(local.modes)}) %}"
            Next      = "InvalidMode"
          },
          {
            Condition = "{% $exists($states.input.date) and $not($type($states.input.date) = 'string' and $contains($states.input.date, /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/)) %}"
            Next      = "InvalidDate"
          },
          {
            Condition = "{% $exists($states.input.maxPages) and $not($type($states.input.maxPages) = 'number' and $states.input.maxPages >= 1 and $states.input.maxPages <= 1000000 and $floor($states.input.maxPages) = $states.input.maxPages) %}"
            Next      = "InvalidMaxPages"
          },
        ]
        Default = local.step_first_state[local.step_names[0]]
      }

      UnknownField = {
        Type  = "Fail"
        Error = "InvalidInput.UnknownField"
        Cause = "the input must be an object with at most the fields ${join(", ", local.input_fields)}"
      }
      InvalidMode = {
        Type  = "Fail"
        Error = "InvalidInput.Mode"
        Cause = "input.mode must be one of ${join(", ", local.modes)} (or left out for daily); incremental is now updated"
      }
      InvalidDate = {
        Type  = "Fail"
        Error = "InvalidInput.Date"
        Cause = "input.date must be a YYYY-MM-DD string"
      }
      InvalidMaxPages = {
        Type  = "Fail"
        Error = "InvalidInput.MaxPages"
        Cause = "input.maxPages must be a whole number from 1 to 1000000"
      }

      PlanRun = local.ecs_task_states.PlanRun

      # One child execution per shard of the plan, each running exactly the argv the planner
      # wrote for it. Those args carry the caps: --max-pages, so that together the shards stay
      # inside the month's budget, and --requests-per-second, the configured rate divided by the
      # number of shards, so that up to that many running at once stay under the API's rate cap.
      IngestShards = {
        Type  = "Map"
        Label = "IngestShard"
        ItemReader = {
          Resource     = "arn:${var.partition}:states:::s3:getObject"
          ReaderConfig = { InputType = "JSON" }
          Arguments = {
            Bucket = local.lake_bucket
            Key    = local.shards_key
          }
        }
        ItemSelector = {
          shard = "{% $states.context.Map.Item.Value %}"
          run   = "{% $states.context.Execution.Name %}"
        }
        MaxConcurrency        = var.max_concurrency
        ToleratedFailureCount = 0
        ItemProcessor = {
          # Standard child executions: Express ones cannot wait for a task with .sync.
          ProcessorConfig = { Mode = "DISTRIBUTED", ExecutionType = "STANDARD" }
          StartAt         = "RunShard"
          States = {
            RunShard = local.ecs_task_states.RunShard
          }
        }
        Output = "{% {'shards': $count($states.result)} %}"
        Catch  = local.catch.ingest
        Next   = local.step_next.ingest
      }

      Compact = local.ecs_task_states.Compact

      # Snowflake registers new pages and parts from S3 event notifications, asynchronously.
      WaitForExternalTables = {
        Type    = "Wait"
        Seconds = var.external_table_refresh_wait_seconds
        Next    = "RunTransform"
      }

      RunTransform = local.ecs_task_states.RunTransform

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
