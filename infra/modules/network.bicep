// Private network for the service: the Container Apps environment gets its own subnet, Azure SQL and
// Key Vault are reached only through private endpoints in a second subnet.

@description('Azure region of every resource.')
param location string

@description('Prefix used in resource names, e.g. erpins-prod.')
param namePrefix string

@description('Address space of the virtual network.')
param addressPrefix string = '10.40.0.0/16'

@description('Subnet of the Container Apps environment (workload-profiles environments need /27 or larger).')
param appsSubnetPrefix string = '10.40.0.0/23'

@description('Subnet that holds the private endpoints of SQL and Key Vault.')
param privateEndpointsSubnetPrefix string = '10.40.2.0/27'

param tags object = {}

resource vnet 'Microsoft.Network/virtualNetworks@2023-11-01' = {
  name: '${namePrefix}-vnet'
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [addressPrefix]
    }
    subnets: [
      {
        name: 'apps'
        properties: {
          addressPrefix: appsSubnetPrefix
          delegations: [
            {
              name: 'container-apps'
              properties: {
                serviceName: 'Microsoft.App/environments'
              }
            }
          ]
        }
      }
      {
        name: 'private-endpoints'
        properties: {
          addressPrefix: privateEndpointsSubnetPrefix
          privateEndpointNetworkPolicies: 'Disabled'
        }
      }
    ]
  }
}

output vnetId string = vnet.id
output appsSubnetId string = vnet.properties.subnets[0].id
output privateEndpointsSubnetId string = vnet.properties.subnets[1].id
