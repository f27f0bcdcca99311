package dashboard

// The Grafana dashboard JSON model, as far as this dashboard uses it: only
// the fields it sets, so that Grafana fills in the rest with its own
// defaults and the ConfigMap stays small. Every field is a struct field,
// never a map, so that the encoding is byte-identical for identical input.

// Dashboard is a Grafana dashboard.
type Dashboard struct {
	UID           string     `json:"uid"`
	Title         string     `json:"title"`
	Description   string     `json:"description,omitempty"`
	Tags          []string   `json:"tags"`
	Timezone      string     `json:"timezone"`
	Refresh       string     `json:"refresh"`
	SchemaVersion int        `json:"schemaVersion"`
	Time          TimeRange  `json:"time"`
	Templating    Templating `json:"templating"`
	Panels        []Panel    `json:"panels"`
}

// TimeRange is the dashboard's default time range.
type TimeRange struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Templating holds the dashboard's variables.
type Templating struct {
	List []Variable `json:"list"`
}

// Variable is a dashboard variable; here only the data source picker.
type Variable struct {
	Name  string `json:"name"`
	Label string `json:"label"`
	Type  string `json:"type"`
	Query string `json:"query"`
}

// Panel is a panel, or a row (Type "row") that heads the panels below it.
type Panel struct {
	ID          int          `json:"id"`
	Type        string       `json:"type"`
	Title       string       `json:"title"`
	Description string       `json:"description,omitempty"`
	GridPos     GridPos      `json:"gridPos"`
	Datasource  *DataSource  `json:"datasource,omitempty"`
	Targets     []Target     `json:"targets,omitempty"`
	FieldConfig *FieldConfig `json:"fieldConfig,omitempty"`
	Options     *Options     `json:"options,omitempty"`
}

// GridPos places a panel on the dashboard's grid of 24 columns.
type GridPos struct {
	X int `json:"x"`
	Y int `json:"y"`
	W int `json:"w"`
	H int `json:"h"`
}

// DataSource refers to a data source, here through the variable.
type DataSource struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

// Target is one PromQL query of a panel.
type Target struct {
	RefID        string      `json:"refId"`
	Datasource   *DataSource `json:"datasource,omitempty"`
	Expr         string      `json:"expr"`
	LegendFormat string      `json:"legendFormat,omitempty"`
}

// FieldConfig says how a panel shows its values.
type FieldConfig struct {
	Defaults FieldDefaults `json:"defaults"`
}

// FieldDefaults apply to every series of a panel.
type FieldDefaults struct {
	Unit       string      `json:"unit,omitempty"`
	Min        *float64    `json:"min,omitempty"`
	Decimals   *int        `json:"decimals,omitempty"`
	Thresholds *Thresholds `json:"thresholds,omitempty"`
	Custom     *Custom     `json:"custom,omitempty"`
}

// Thresholds color values, and draw lines in time series panels.
type Thresholds struct {
	Mode  string `json:"mode"`
	Steps []Step `json:"steps"`
}

// Step is one threshold: values from Value up take Color. The first step's
// Value is null: it colors everything below the next.
type Step struct {
	Color string   `json:"color"`
	Value *float64 `json:"value"`
}

// Custom are the time series panel's own settings.
type Custom struct {
	// ThresholdsStyle draws the thresholds as lines.
	ThresholdsStyle *ThresholdsStyle `json:"thresholdsStyle,omitempty"`
	// AxisSoftMax keeps a limit on the axis when the values stay below it.
	AxisSoftMax *float64 `json:"axisSoftMax,omitempty"`
}

// ThresholdsStyle says how a time series panel draws its thresholds.
type ThresholdsStyle struct {
	Mode string `json:"mode"`
}

// Options are a panel's type-specific options: Mode and Content for text
// panels, ColorMode and GraphMode for stat panels.
type Options struct {
	Mode      string `json:"mode,omitempty"`
	Content   string `json:"content,omitempty"`
	ColorMode string `json:"colorMode,omitempty"`
	GraphMode string `json:"graphMode,omitempty"`
}
