import { useEffect, useRef } from 'react'
import * as echarts from 'echarts/core'
import { BarChart, LineChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import { SVGRenderer } from 'echarts/renderers'

// Only the pieces drawn here (bar, line, axes, legend, tooltip; SVG): the full echarts is ~1 MB.
echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer])

export interface ChartSeries {
  name: string
  type: 'bar' | 'line'
  data: number[]
  /** Plot against the right-hand axis (e.g. ¥ beside counts). */
  right?: boolean
}

/**
 * One echarts chart in a plain element (the console is used on the H5 build; the mini-programs show
 * the tables under it instead). Sized explicitly so it draws without a layout pass.
 */
export function DashboardChart({ className, labels, series, width = 1040, height = 280 }: { className: string; labels: string[]; series: ChartSeries[]; width?: number; height?: number }) {
  const ref = useRef<HTMLDivElement | null>(null)
  useEffect(() => {
    if (!ref.current) return
    const chart = echarts.init(ref.current, undefined, { renderer: 'svg', width, height })
    const twoAxes = series.some((s) => s.right)
    chart.setOption({
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 48, right: twoAxes ? 72 : 24, top: 36, bottom: 28 },
      xAxis: { type: 'category', data: labels },
      yAxis: twoAxes ? [{ type: 'value', minInterval: 1 }, { type: 'value', name: '¥' }] : [{ type: 'value', minInterval: 1 }],
      series: series.map((s) => ({ name: s.name, type: s.type, data: s.data, yAxisIndex: s.right ? 1 : 0 })),
    })
    return () => chart.dispose()
  }, [labels.join(), JSON.stringify(series), width, height])
  return <div className={`dash-chart ${className}`} ref={ref} style={{ width: `${width}px`, height: `${height}px` }} />
}
