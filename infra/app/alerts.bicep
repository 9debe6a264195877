// Alerts on the two signals that say the engine is not doing its job:
// - health: a standard availability test calls /api/health every 5 minutes from three regions;
//   health answers 503 when the database is unreachable, the schema is incompatible (a deploy
//   whose migration did not run) or the engine is enabled but has had no successful run for
//   5 minutes (stale). A metric alert fires when two of the regions fail.
// - failed runs: a scheduled query over the synthetics.runs metric the app exports, any run with
//   status "failed" in the last 15 minutes.
// Both notify the action group given, if any.

@description('Name of the Application Insights component the test and the query belong to.')
param applicationInsightsName string

@description('Azure region of the availability test and the scheduled query rule.')
param location string

@description('Tags applied to the alert resources.')
param tags object = {}

@description('Full URL of the app\'s anonymous health endpoint.')
param healthUrl string

@description('Resource ID of the action group to notify. Empty: the alerts fire in the portal only.')
param actionGroupId string = ''

var healthTestName = 'health-${applicationInsightsName}'

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource healthTest 'Microsoft.Insights/webtests@2022-06-15' = {
  name: healthTestName
  location: location
  // The hidden link ties the test to the component, as the portal does.
  tags: union(tags, { 'hidden-link:${applicationInsights.id}': 'Resource' })
  kind: 'standard'
  properties: {
    SyntheticMonitorId: healthTestName
    Name: 'Synthetics health'
    Description: 'GET /api/health answers 200: database reachable, schema compatible, engine not stale.'
    Enabled: true
    Frequency: 300
    Timeout: 30
    Kind: 'standard'
    RetryEnabled: true
    Locations: [
      { Id: 'us-va-ash-azr' }
      { Id: 'emea-nl-ams-azr' }
      { Id: 'apac-sg-sin-azr' }
    ]
    Request: {
      RequestUrl: healthUrl
      HttpVerb: 'GET'
      ParseDependentRequests: false
    }
    ValidationRules: {
      ExpectedHttpStatusCode: 200
      SSLCheck: true
      SSLCertRemainingLifetimeCheck: 7
    }
  }
}

resource healthAlert 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'health-not-ok-${applicationInsightsName}'
  location: 'global'
  tags: tags
  properties: {
    description: 'Health of the synthetics engine is not 200 (stale, schema incompatible or database unreachable) from two or more test regions.'
    severity: 1
    enabled: true
    scopes: [
      healthTest.id
      applicationInsights.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.WebtestLocationAvailabilityCriteria'
      webTestId: healthTest.id
      componentId: applicationInsights.id
      failedLocationCount: 2
    }
    actions: empty(actionGroupId) ? [] : [
      {
        actionGroupId: actionGroupId
      }
    ]
  }
}

resource failedRunsAlert 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: 'failed-runs-${applicationInsightsName}'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Synthetics runs failed'
    description: 'At least one run recorded status "failed" (synthetics.runs) in the last 15 minutes; the run id is in the logs.'
    severity: 2
    enabled: true
    scopes: [
      applicationInsights.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: 'customMetrics | where name == "synthetics.runs" and tostring(customDimensions["status"]) == "failed"'
          timeAggregation: 'Total'
          metricMeasureColumn: 'valueSum'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: empty(actionGroupId) ? [] : [
        actionGroupId
      ]
    }
  }
}

@description('Resource ID of the health availability test.')
output healthTestId string = healthTest.id
