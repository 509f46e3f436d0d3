import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  readonly label: string;
  /** One value per x; null is a gap. */
  readonly values: readonly (number | null)[];
  readonly color: string;
  readonly dash?: readonly number[];
}

export interface SliChartProps {
  readonly title: string;
  /** Seconds since the epoch, ascending. */
  readonly x: readonly number[];
  readonly series: readonly ChartSeries[];
  /** The SLA's line, drawn across the chart. */
  readonly sla?: { readonly label: string; readonly value: number } | undefined;
  readonly unit: string;
}

/** One SLI over time with the SLA line, drawn by uPlot on a canvas (nothing inline for the CSP). */
export function SliChart({ title, x, series, sla, unit }: SliChartProps) {
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = container.current;
    if (!element) return undefined;
    const lines: uPlot.Series[] = [
      {},
      ...series.map((s) => ({
        label: s.label,
        stroke: s.color,
        width: 2,
        spanGaps: false,
        points: { show: true, size: 5 },
        ...(s.dash && { dash: [...s.dash] }),
      })),
      ...(sla
        ? [{ label: sla.label, stroke: '#dc2626', width: 1, dash: [6, 4], points: { show: false } }]
        : []),
    ];
    const data: uPlot.AlignedData = [
      [...x],
      ...series.map((s) => [...s.values]),
      ...(sla ? [x.map(() => sla.value)] : []),
    ];
    const plot = new uPlot(
      {
        width: Math.max(320, element.clientWidth || 480),
        height: 200,
        series: lines,
        axes: [{}, { label: unit, size: 60 }],
        scales: { x: { time: true } },
        legend: { show: true },
      },
      data,
      element,
    );
    return () => plot.destroy();
  }, [x, series, sla, unit]);
  const points = series.reduce((n, s) => n + s.values.filter((v) => v !== null).length, 0);
  return (
    <figure className="chart" data-chart={title} data-points={points} data-series={series.length}>
      <figcaption>
        {title} <span className="muted">({points} points)</span>
      </figcaption>
      <div ref={container} />
    </figure>
  );
}
