// The dashboard's shape in Grafana's own published types (@grafana/schema, generated from Grafana's CUE schemas):
// check.sh wraps grafana-dashboard.json in `export default <json> satisfies SpatialGridDashboard` and runs tsc.
import type { Dashboard, DataQuery, FieldConfigSource, Panel } from '@grafana/schema';
import type * as timeseries from '@grafana/schema/dist/esm/raw/composable/timeseries/panelcfg/x/TimeSeriesPanelCfg_types.gen';

// JSON has no enums: a string enum of the types (LegendDisplayMode…) is read as the union of its values.
type Json<T> = T extends string
  ? `${T}`
  : T extends number | boolean | null | undefined
    ? T
    : T extends ReadonlyArray<infer U>
      ? Array<Json<U>>
      : T extends object
        ? { [K in keyof T]: Json<T[K]> }
        : T;

// Grafana's Panel leaves options and targets untyped; the panel plugin's types say what they hold. Only the panel
// types the dashboard uses are listed: a panel of another type fails the check until its plugin's types are added.
type TimeSeriesPanel = Omit<Panel, 'type' | 'options' | 'fieldConfig' | 'targets'> & {
  type: 'timeseries';
  options: timeseries.Options;
  fieldConfig: FieldConfigSource<timeseries.FieldConfig>;
  // Prometheus' own query fields (expr, legendFormat, range) are not in @grafana/schema; promtool checks expr.
  targets: Array<DataQuery & Record<string, unknown>>;
};

export type SpatialGridDashboard = Json<Omit<Dashboard, 'panels'> & { panels: TimeSeriesPanel[] }>;
