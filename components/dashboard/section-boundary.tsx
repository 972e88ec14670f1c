"use client";

import { Component, type ReactNode } from "react";

/** Keeps one failing dashboard section from taking the whole page down (the error is logged server-side). */
export class SectionBoundary extends Component<{ children: ReactNode; title: string }, { failed: boolean }> {
  state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  render() {
    if (this.state.failed) {
      return (
        <div
          role="alert"
          className="rounded-xl border border-red-200 bg-white p-6 text-sm text-red-800 shadow-sm"
        >
          {this.props.title} could not be loaded. Reload the page to try again.
        </div>
      );
    }
    return this.props.children;
  }
}
