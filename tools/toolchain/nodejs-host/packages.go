package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// packageJSON holds the parts of a package.json this host reads.
type packageJSON struct {
	Name            string            `json:"name"`
	Version         string            `json:"version"`
	Dependencies    map[string]string `json:"dependencies"`
	DevDependencies map[string]string `json:"devDependencies"`
	Pulumi          struct {
		Resource         bool   `json:"resource"`
		Name             string `json:"name"`
		Version          string `json:"version"`
		Server           string `json:"server"`
		Parameterization *struct {
			Name    string `json:"name"`
			Version string `json:"version"`
			Value   []byte `json:"value"`
		} `json:"parameterization"`
	} `json:"pulumi"`
}

func readPackageJSON(path string) (*packageJSON, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var p packageJSON
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// resourcePackage is a package under node_modules that asks for a Pulumi
// resource plugin.
type resourcePackage struct {
	plugin  string // plugin name, e.g. "kubernetes"
	version string // plugin version with a leading "v"
	server  string
	param   *pulumirpc.PackageParameterization
}

// pluginFromPackage applies the npm conventions: the plugin name is
// pulumi.name, or the bare name of an @pulumi/ package; the version is
// pulumi.version, or the package version.
func pluginFromPackage(p *packageJSON) (resourcePackage, bool) {
	if !p.Pulumi.Resource {
		return resourcePackage{}, false
	}
	name := p.Pulumi.Name
	if name == "" {
		if !strings.HasPrefix(p.Name, "@pulumi/") {
			return resourcePackage{}, false // third-party packages must name their plugin
		}
		name = strings.TrimPrefix(p.Name, "@pulumi/")
	}
	v := p.Pulumi.Version
	if v == "" {
		v = p.Version
	}
	if v == "" {
		return resourcePackage{}, false
	}
	if !strings.HasPrefix(v, "v") {
		v = "v" + v
	}
	rp := resourcePackage{plugin: name, version: v, server: p.Pulumi.Server}
	if pp := p.Pulumi.Parameterization; pp != nil {
		rp.param = &pulumirpc.PackageParameterization{Name: pp.Name, Version: pp.Version, Value: pp.Value}
	}
	return rp, true
}

// findResourcePackages walks node_modules below dir (including nested
// node_modules and @scope directories) and returns the distinct plugins
// requested there.
func findResourcePackages(dir string) []resourcePackage {
	seen := map[string]bool{}
	var out []resourcePackage
	var walkModules func(nm string, depth int)
	visitPackage := func(pkgDir string, depth int) {
		if p, err := readPackageJSON(filepath.Join(pkgDir, "package.json")); err == nil {
			if rp, ok := pluginFromPackage(p); ok {
				key := rp.plugin + "@" + rp.version
				if rp.param != nil {
					key += "/" + rp.param.Name + "@" + rp.param.Version
				}
				if !seen[key] {
					seen[key] = true
					out = append(out, rp)
				}
			}
		}
		walkModules(filepath.Join(pkgDir, "node_modules"), depth+1)
	}
	walkModules = func(nm string, depth int) {
		if depth > 8 {
			return
		}
		entries, err := os.ReadDir(nm)
		if err != nil {
			return
		}
		for _, e := range entries {
			name := e.Name()
			if strings.HasPrefix(name, ".") {
				continue
			}
			full := filepath.Join(nm, name)
			if fi, err := os.Stat(full); err != nil || !fi.IsDir() {
				continue
			}
			if strings.HasPrefix(name, "@") {
				scoped, err := os.ReadDir(full)
				if err != nil {
					continue
				}
				for _, s := range scoped {
					visitPackage(filepath.Join(full, s.Name()), depth)
				}
				continue
			}
			visitPackage(full, depth)
		}
	}
	walkModules(filepath.Join(dir, "node_modules"), 0)
	sort.Slice(out, func(i, j int) bool { return out[i].plugin < out[j].plugin })
	return out
}

func programDir(info *pulumirpc.ProgramInfo, fallback string) string {
	if info != nil && info.GetProgramDirectory() != "" {
		return info.GetProgramDirectory()
	}
	return fallback
}

func (h *host) GetRequiredPackages(
	_ context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	resp := &pulumirpc.GetRequiredPackagesResponse{}
	for _, rp := range findResourcePackages(programDir(req.GetInfo(), "")) {
		resp.Packages = append(resp.Packages, &pulumirpc.PackageDependency{
			Name:             rp.plugin,
			Kind:             "resource",
			Version:          rp.version,
			Server:           rp.server,
			Parameterization: rp.param,
		})
	}
	return resp, nil
}

func (h *host) GetRequiredPlugins(
	_ context.Context, req *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	resp := &pulumirpc.GetRequiredPluginsResponse{}
	for _, rp := range findResourcePackages(programDir(req.GetInfo(), req.GetProgram())) {
		if rp.param != nil {
			continue // parameterized packages cannot be described as plain plugins
		}
		resp.Plugins = append(resp.Plugins, &pulumirpc.PluginDependency{
			Name: rp.plugin, Kind: "resource", Version: rp.version, Server: rp.server,
		})
	}
	return resp, nil
}

// GetProgramDependencies lists the project's npm dependencies with their
// installed versions (direct ones, or every top-level package under
// node_modules when transitive dependencies are asked for).
func (h *host) GetProgramDependencies(
	_ context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	dir := programDir(req.GetInfo(), req.GetProgram())
	nm := filepath.Join(dir, "node_modules")
	var names []string
	if req.GetTransitiveDependencies() {
		entries, _ := os.ReadDir(nm)
		for _, e := range entries {
			n := e.Name()
			if strings.HasPrefix(n, ".") {
				continue
			}
			if strings.HasPrefix(n, "@") {
				scoped, _ := os.ReadDir(filepath.Join(nm, n))
				for _, s := range scoped {
					names = append(names, n+"/"+s.Name())
				}
				continue
			}
			names = append(names, n)
		}
	} else {
		p, err := readPackageJSON(filepath.Join(dir, "package.json"))
		if err != nil {
			return nil, err
		}
		for n := range p.Dependencies {
			names = append(names, n)
		}
		for n := range p.DevDependencies {
			if _, dup := p.Dependencies[n]; !dup {
				names = append(names, n)
			}
		}
	}
	sort.Strings(names)
	resp := &pulumirpc.GetProgramDependenciesResponse{}
	for _, n := range names {
		v := ""
		if p, err := readPackageJSON(filepath.Join(nm, n, "package.json")); err == nil {
			v = p.Version
		}
		resp.Dependencies = append(resp.Dependencies, &pulumirpc.DependencyInfo{Name: n, Version: v})
	}
	return resp, nil
}
